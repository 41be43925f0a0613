import Foundation
import Testing
@testable import Vault

@Suite("SecureScratch: guarded blocks lent one at a time and wiped before reuse")
struct SecureScratchTests {
    @Test("a block is filled for the caller and wiped when it goes back")
    func wipedAfterUse() throws {
        let scratch = SecureScratch(count: 32)
        var seen: [UInt8] = []
        var lent: SecureBytes?
        try scratch.withBlock(fill: { $0.initializeMemory(as: UInt8.self, repeating: 0xA5) }) { block in
            seen = block.withUnsafeBytes { Array($0) }
            lent = block
        }
        #expect(seen == [UInt8](repeating: 0xA5, count: 32))
        #expect(lent?.withUnsafeBytes { Array($0) } == [UInt8](repeating: 0, count: 32))
        #expect(scratch.keptCount == 1)
    }

    @Test("the block is wiped and kept even when the caller throws")
    func wipedOnError() throws {
        struct Refused: Error {}
        let scratch = SecureScratch(count: 16)
        var lent: SecureBytes?
        #expect(throws: Refused.self) {
            try scratch.withBlock(fill: { $0.initializeMemory(as: UInt8.self, repeating: 0xFF) }) { block in
                lent = block
                throw Refused()
            }
        }
        #expect(lent?.withUnsafeBytes { Array($0) } == [UInt8](repeating: 0, count: 16))
        #expect(scratch.keptCount == 1)
    }

    @Test("a block is reused, nested callers get distinct blocks, and no more than the limit are kept")
    func reuseAndLimit() throws {
        let scratch = SecureScratch(count: 8, limit: 2)
        var first: ObjectIdentifier?
        try scratch.withBlock(fill: { _ in }) { first = ObjectIdentifier($0) }
        try scratch.withBlock(fill: { _ in }) { #expect(ObjectIdentifier($0) == first) }
        try scratch.withBlock(fill: { _ in }) { a in
            try scratch.withBlock(fill: { _ in }) { b in
                try scratch.withBlock(fill: { _ in }) { c in
                    #expect(Set([ObjectIdentifier(a), ObjectIdentifier(b), ObjectIdentifier(c)]).count == 3)
                }
            }
        }
        #expect(scratch.keptCount == 2)
    }

    @Test("sealing many boxes from several tasks at once keeps every box openable")
    func concurrentSealing() async throws {
        let keys = try SealingKeys()
        let context = "contact_requests/CR-TEST/sealed"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<50 {
                        let plaintext = Array("task \(task) box \(i)".utf8)
                        let box = try keys.sealer.seal(plaintext, context: context)
                        #expect(try keys.opener.open(box, context: context) == plaintext)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
