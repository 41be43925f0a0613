import Foundation
import Testing
import Vault

@Suite("Base64 without Data")
struct Base64Tests {
    /// Every length from 0 to 100 (each padding case many times), random bytes: Foundation's text.
    @Test("as Foundation's base64EncodedString, for every length up to 100")
    func asFoundation() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...100 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == expected)
            #expect(Base64.encode(Data(bytes)) == expected)
            #expect(Base64.encodedCount(count) == expected.utf8.count)
            var appended = Array("prefix:".utf8)
            Base64.append(Data(bytes), to: &appended)
            #expect(appended == Array(("prefix:" + expected).utf8))
        }
    }

    @Test("the RFC 4648 test vectors")
    func vectors() {
        for (text, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                                ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            #expect(Base64.encode(Array(text.utf8)) == encoded)
        }
    }
}
