import Foundation
import GRDB
import Testing
@testable import Consent
@testable import Vault

@Suite("Key rotation")
struct KeyRotationTests {
    let box: Sandbox
    let refs: [Reference]

    init() async throws {
        box = try Sandbox()
        var refs: [Reference] = []
        for i in 0..<5 {
            refs.append(try await box.submit(name: "Person \(i)", email: "person\(i)@example.org", message: "Nachricht \(i)",
                                             at: "2024-06-0\(i + 1)T10:00:00+02:00"))
        }
        self.refs = refs
    }

    func rotation(batchSize: Int = 2) -> KeyRotation {
        KeyRotation(store: box.store, keys: box.keys, clock: clock("2024-07-01T10:00:00+02:00"), batchSize: batchSize)
    }

    func liveKeyPair() throws -> VaultKeyPair { try box.keys.loadKeyPair(passphrase: try passphrase()) }

    func keyIDs() async throws -> Set<String> {
        try await box.store.pool.read { db in try Set(String.fetchAll(db, sql: "SELECT key_id FROM contact_requests")) }
    }

    /// Every record opens with `pair` and reads as it was sent.
    func expectAllReadable(with pair: VaultKeyPair, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let views = try await box.archive(keyPair: pair).list()
        #expect(views.count == refs.count, sourceLocation: sourceLocation)
        for (i, view) in views.enumerated() {
            #expect(view.name == "Person \(i)", sourceLocation: sourceLocation)
            #expect(view.email == "person\(i)@example.org", sourceLocation: sourceLocation)
            #expect(view.message == "Nachricht \(i)", sourceLocation: sourceLocation)
            #expect(view.keyID == pair.id.hex, sourceLocation: sourceLocation)
        }
    }

    @Test("after rotation every record opens with the new key only; the old key gets keyMismatch")
    func rotate() async throws {
        let old = box.keyPair
        let payloadsBefore = try await box.store.pool.read { db in
            try Data.fetchAll(db, sql: "SELECT substr(sealed, 114) FROM contact_requests ORDER BY reference")
        }
        let wrappedBefore = try await box.store.pool.read { db in
            try Data.fetchAll(db, sql: "SELECT substr(sealed, 10, 80) FROM contact_requests")
        }
        let report = try await rotation().run(passphrase: try passphrase(), limits: Fixtures.fastLimits)
        #expect(report.oldKeyID == old.id.hex)
        #expect(report.newKeyID != old.id.hex)
        #expect(report.resealed == 5)
        #expect(!report.resumed)
        let new = try liveKeyPair()
        #expect(new.id.hex == report.newKeyID)
        #expect(try box.keys.loadPublic().publicKey == new.publicKey)
        #expect(!box.keys.hasKeys(suffix: ".next"))
        #expect(try await keyIDs() == [report.newKeyID])
        try await expectAllReadable(with: new)
        for ref in refs {
            await #expect(throws: VaultError.keyMismatch(expected: old.id, found: new.id)) {
                try await box.archive(keyPair: old).show(ref.rawValue)
            }
        }
        // Only the data key was re-wrapped: the encrypted payloads are untouched.
        let payloadsAfter = try await box.store.pool.read { db in
            try Data.fetchAll(db, sql: "SELECT substr(sealed, 114) FROM contact_requests ORDER BY reference")
        }
        #expect(payloadsAfter == payloadsBefore)
        // The data keys wrapped to the old key are gone from the files (a leaked old secret opens nothing).
        for wrapped in wrappedBefore { #expect(box.filesContaining([UInt8](wrapped)) == []) }
        #expect(try await box.auditReport().ok)
        let audit = try await box.store.pool.read { db in try AuditLog.entries(db, since: nil) }
        #expect(audit.last?.action == "keys.rotate")
        #expect(audit.last?.details["new_key_id"] == report.newKeyID)
        // The running intake seals to the new key from now on.
        let later = try await box.submit(at: "2024-07-02T10:00:00+02:00")
        #expect(try await box.archive(keyPair: new).show(later.rawValue).keyID == new.id.hex)
    }

    @Test("rotating twice leaves everything readable with the newest key")
    func rotateTwice() async throws {
        let first = try await rotation().run(passphrase: try passphrase(), limits: Fixtures.fastLimits)
        let second = try await rotation().run(passphrase: try passphrase(), limits: Fixtures.fastLimits)
        #expect(second.oldKeyID == first.newKeyID)
        #expect(second.newKeyID != first.newKeyID)
        #expect(second.resealed == 5)
        let live = try liveKeyPair()
        #expect(live.id.hex == second.newKeyID)
        try await expectAllReadable(with: live)
    }

    @Test("an interrupted rotation (next key written, some rows re-wrapped) is finished by running it again")
    func resume() async throws {
        let old = box.keyPair
        let next = try VaultKeyPair.generate()
        try box.keys.write(keyPair: next, indexKey: box.indexKey, passphrase: try passphrase(), limits: Fixtures.fastLimits,
                           suffix: ".next")
        // Two of five rows were re-wrapped before the interruption.
        let opener = Opener(keyPair: old), sealer = Sealer(publicKey: next.publicKey)
        try await box.store.pool.write { db in
            for ref in refs.prefix(2) {
                let sealed = try #require(try Data.fetchOne(db, sql: "SELECT sealed FROM contact_requests WHERE reference = ?", arguments: [ref.rawValue]))
                let box = try opener.rewrap(try SealedBox(bytes: [UInt8](sealed)), to: sealer)
                try db.execute(sql: "UPDATE contact_requests SET sealed = ?, key_id = ? WHERE reference = ?",
                               arguments: [Data(box.bytes), next.id.hex, ref.rawValue])
            }
        }
        #expect(try await keyIDs() == [old.id.hex, next.id.hex])
        let report = try await rotation().run(passphrase: try passphrase(), limits: Fixtures.fastLimits)
        #expect(report.resumed)
        #expect(report.oldKeyID == old.id.hex)
        #expect(report.newKeyID == next.id.hex)
        #expect(report.resealed == 3)
        #expect(try liveKeyPair().id == next.id)
        #expect(!box.keys.hasKeys(suffix: ".next"))
        try await expectAllReadable(with: next)
    }

    @Test("a rotation interrupted between the two renames of the swap is finished by running it again")
    func resumeHalfSwapped() async throws {
        let next = try VaultKeyPair.generate()
        try box.keys.write(keyPair: next, indexKey: box.indexKey, passphrase: try passphrase(), limits: Fixtures.fastLimits,
                           suffix: ".next")
        let opener = Opener(keyPair: box.keyPair), sealer = Sealer(publicKey: next.publicKey)
        try await box.store.pool.write { db in
            for ref in refs {
                let sealed = try #require(try Data.fetchOne(db, sql: "SELECT sealed FROM contact_requests WHERE reference = ?", arguments: [ref.rawValue]))
                let box = try opener.rewrap(try SealedBox(bytes: [UInt8](sealed)), to: sealer)
                try db.execute(sql: "UPDATE contact_requests SET sealed = ?, key_id = ? WHERE reference = ?",
                               arguments: [Data(box.bytes), next.id.hex, ref.rawValue])
            }
        }
        // `promote` moved one of the two files, then the process died.
        #expect(rename(box.keys.secretKeyPath(suffix: ".next"), box.keys.secretKeyPath()) == 0)
        _ = try await rotation().run(passphrase: try passphrase(), limits: Fixtures.fastLimits)
        let live = try liveKeyPair()
        #expect(try box.keys.loadPublic().publicKey == live.publicKey, "vault.pub and vault.key must be one pair")
        try await expectAllReadable(with: live)
    }

    @Test("a wrong passphrase stops the rotation before anything changes")
    func wrongPassphrase() async throws {
        let before = try await box.store.pool.read { db in try Data.fetchAll(db, sql: "SELECT sealed FROM contact_requests ORDER BY reference") }
        await #expect(throws: VaultError.wrongPassphrase(path: box.keys.secretKeyPath())) {
            try await rotation().run(passphrase: try passphrase("wrong"), limits: Fixtures.fastLimits)
        }
        #expect(!box.keys.hasKeys(suffix: ".next"))
        #expect(try await box.store.pool.read { db in try Data.fetchAll(db, sql: "SELECT sealed FROM contact_requests ORDER BY reference") } == before)
        try await expectAllReadable(with: box.keyPair)
    }

    @Test("a record sealed to a third, unknown key stops the rotation with an integrity error")
    func foreignKey() async throws {
        try await box.store.pool.write { db in
            try db.execute(sql: "UPDATE contact_requests SET key_id = 'ffffffffffffffff' WHERE reference = ?", arguments: [refs[0].rawValue])
        }
        await #expect(throws: ConsentError.self) {
            try await rotation().run(passphrase: try passphrase(), limits: Fixtures.fastLimits)
        }
    }
}
