import Foundation
import Testing
@testable import Vault

@Suite("Blind index")
struct BlindIndexTests {
    let index: BlindIndex

    init() throws { index = BlindIndex(key: try IndexKey.generate()) }

    @Test("normalisation: case and surrounding white space give the same value", arguments: [
        "erika@example.org", "Erika@Example.ORG", "  erika@example.org", "erika@example.org \n", "\tERIKA@EXAMPLE.ORG\r\n",
        "\u{00A0}erika@example.org\u{2003}",
    ])
    func normalised(variant: String) {
        #expect(index.value(forEmail: variant) == index.value(forEmail: "erika@example.org"))
        #expect(BlindIndex.normalise(variant) == "erika@example.org")
    }

    @Test("different addresses give different values", arguments: [
        "erika@example.com", "erika.m@example.org", "erik@example.org", "erika@example.org.", "er ika@example.org",
    ])
    func distinct(other: String) {
        #expect(index.value(forEmail: other) != index.value(forEmail: "erika@example.org"))
    }

    @Test("the value is 16 bytes")
    func size() {
        #expect(BlindIndex.byteCount == 16)
        #expect(index.value(forEmail: "a@b.de").count == 16)
        #expect(index.value(for: "").count == 16)
    }

    @Test("different keys give different values; the same key bytes give the same")
    func keyed() throws {
        let other = BlindIndex(key: try IndexKey.generate())
        #expect(other.value(forEmail: "erika@example.org") != index.value(forEmail: "erika@example.org"))
        var bytes = [UInt8](repeating: 42, count: 32)
        var copy = bytes
        let a = BlindIndex(key: try IndexKey(wiping: &bytes)), b = BlindIndex(key: try IndexKey(wiping: &copy))
        #expect(a.value(forEmail: "x@y.de") == b.value(forEmail: "x@y.de"))
    }

    @Test("e-mail values are domain-separated from other identifiers")
    func domainSeparation() {
        #expect(index.value(forEmail: "erika@example.org") == index.value(for: "email:erika@example.org"))
        #expect(index.value(forEmail: "erika@example.org") != index.value(for: "erika@example.org"))
        #expect(index.value(for: "consent:abc") != index.value(for: "subject:consent:abc"))
    }

    @Test("the value does not contain the address")
    func opaque() {
        let value = index.value(forEmail: "ab@cd.ef")
        #expect(!value.containsRun(Array("ab@cd".utf8)))
    }

    @Test("an index key must be 32 bytes", arguments: [0, 16, 31, 33])
    func indexKeySize(count: Int) {
        var bytes = [UInt8](repeating: 1, count: count)
        #expect(throws: VaultError.malformed("index key")) { try IndexKey(wiping: &bytes) }
    }
}
