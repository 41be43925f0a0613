import Foundation
import GRDB
import Testing
@testable import Consent
@testable import Vault

@Suite("Contact intake")
struct ContactIntakeTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    static let name = "Zoë Quartiersbewohnerin-Ünal"
    static let email = "zoe.uenal.4711@beispiel-leinefelde.example"
    static let message = "Ich möchte beim Hoffest am Käthe-Kollwitz-Platz mithelfen. Geheimwort: Quittengelee-93."
    static let phone = "+49 3605 987654"

    func form(at: String = "") throws -> ContactForm {
        try ContactForm(name: Self.name, email: Self.email, phone: Self.phone, message: Self.message, callbackTime: "vormittags",
                        privacyNoticeAccepted: true)
    }

    @Test("accepted until 2024-12-31T23:59:59+01:00", arguments: [
        "2024-12-31T23:59:59+01:00", "2024-12-31T23:59:59.999+01:00", "2024-12-31T22:59:59Z", "2024-03-01T00:00:00+01:00",
    ])
    func openWindow(at: String) async throws {
        let reference = try await box.intake(at: at).submit(try form())
        #expect(Reference(reference.rawValue) == reference)
        #expect(try await box.count("SELECT COUNT(*) FROM contact_requests") == 1)
    }

    @Test("refused as programmeEnded from 2025-01-01T00:00:00+01:00, and nothing is stored", arguments: [
        "2025-01-01T00:00:00+01:00", "2024-12-31T23:00:00Z", "2025-01-01T00:00:00.001+01:00", "2025-06-01T12:00:00+02:00",
    ])
    func closedWindow(at: String) async throws {
        await #expect(throws: ConsentError.programmeEnded(endedAt: Timestamp.format(instant("2025-01-01T00:00:00+01:00")))) {
            try await box.intake(at: at).submit(try form())
        }
        #expect(try await box.count("SELECT COUNT(*) FROM contact_requests") == 0)
    }

    @Test("consents are still recorded after the programme's end")
    func consentsAfterEnd() async throws {
        let state = try await box.record(.rejectAll, at: "2025-02-01T12:00:00+01:00")
        #expect(state.receipt.sequence == 1)
    }

    @Test("the stored row: a reference, the time, the policy version, the key id, sealed bytes and an index")
    func storedRow() async throws {
        let reference = try await box.intake(at: "2024-06-03T10:00:00+02:00").submit(try form())
        #expect(reference.rawValue.hasPrefix("CR-"))
        #expect(reference.rawValue.count == 29)
        let row = try #require(try await box.store.pool.read { db in try ContactRequestRow.fetchOne(db, key: reference.rawValue) })
        #expect(row.receivedAt == Timestamp.millis(instant("2024-06-03T10:00:00+02:00")))
        #expect(row.policyVersion == box.policy.version)
        #expect(row.keyID == box.keyPair.id.hex)
        #expect(row.sealed.first == SealedBox.version)
        #expect(Array(row.sealed[1..<9]) == box.keyPair.id.bytes)
        #expect([UInt8](row.emailIndex) == box.index.value(forEmail: Self.email))
        #expect(row.consentIndex == nil)
    }

    @Test("the database file and its WAL never hold the name, e-mail, phone or message in clear")
    func atRestByteScan() async throws {
        let reference = try await box.intake(at: "2024-06-03T10:00:00+02:00").submit(try form())
        // Before any checkpoint: the new page images are in the WAL.
        let wal = try #require(FileManager.default.contents(atPath: box.databasePath + "-wal"))
        #expect(wal.count > 0, "the WAL is expected to hold the fresh write")
        // The scan sees what is stored in clear (the reference), so an empty result means something.
        #expect(!box.filesContaining(reference.rawValue).isEmpty)
        for needle in [Self.name, Self.email, Self.message, Self.phone, "Quittengelee-93", "zoe.uenal.4711", "Zoë", "vormittags"] {
            #expect(box.filesContaining(needle) == [], "'\(needle)' is readable in the database files")
            #expect(box.filesContaining(needle.lowercased()) == [])
            #expect(box.filesContaining(Array(needle.utf16).flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }) == [], "UTF-16 '\(needle)'")
        }
        // After a checkpoint into the main file, too.
        #expect(try box.store.truncateWAL())
        for needle in [Self.name, Self.email, Self.message, Self.phone] {
            #expect(box.filesContaining(needle) == [], "'\(needle)' is readable after a checkpoint")
        }
        // The record is there (and opens with the DPO's key).
        let view = try await box.archive().show(reference.rawValue)
        #expect(view.name == Self.name)
    }

    @Test("the intake holds only the public key; opening needs the DPO's secret key")
    func intakeCannotOpen() async throws {
        let reference = try await box.intake(at: "2024-06-03T10:00:00+02:00").submit(try form())
        let row = try #require(try await box.store.pool.read { db in try ContactRequestRow.fetchOne(db, key: reference.rawValue) })
        let sealed = try SealedBox(bytes: [UInt8](row.sealed))
        let context = ContactRequestRow.context(reference: reference.rawValue)
        // What the web process holds is the public key of vault.pub: with anything in place of the
        // secret key, nothing opens.
        let (publicKey, _) = try box.keys.loadPublic()
        var zeros = [UInt8](repeating: 0, count: 32)
        let pretender = VaultKeyPair(publicKey: publicKey, secretKey: try SecureBytes(wiping: &zeros))
        #expect(throws: VaultError.authenticationFailed) { try Opener(keyPair: pretender).open(sealed, context: context) }
        // Another key pair: keyMismatch, through the archive too.
        let stranger = try VaultKeyPair.generate()
        await #expect(throws: VaultError.keyMismatch(expected: stranger.id, found: box.keyPair.id)) {
            try await box.archive(keyPair: stranger).show(reference.rawValue)
        }
        // vault.pub holds nothing that opens.
        let pub = FileManager.default.contents(atPath: box.keys.publicKeyPath()) ?? Data()
        let secret = box.keyPair.secretKey.withUnsafeBytes { Data($0) }
        #expect(pub.range(of: secret) == nil)
        #expect(!String(decoding: pub, as: UTF8.self).contains(secret.base64EncodedString()))
    }

    @Test("the DPO's archive opens exactly what was sent, with Unicode intact")
    func archiveOpens() async throws {
        let consentID = "0123456789abcdef0123456789abcdef"
        let form = try ContactForm(name: "محمد 李 😀", email: "  Erika@Example.ORG ", phone: nil, message: "Zeile 1\nZeile 2",
                                   callbackTime: nil, privacyNoticeAccepted: true, consentID: consentID)
        let reference = try await box.intake(at: "2024-06-03T10:00:00+02:00").submit(form)
        let view = try await box.archive().show(reference.rawValue)
        #expect(view.reference == reference.rawValue)
        #expect(view.name == "محمد 李 😀")
        #expect(view.email == "Erika@Example.ORG")
        #expect(view.phone == nil)
        #expect(view.message == "Zeile 1\nZeile 2")
        #expect(view.consentID == consentID)
        #expect(view.keyID == box.keyPair.id.hex)
        #expect(Timestamp.parse(view.privacyNoticeAcceptedAt) == instant("2024-06-03T10:00:00+02:00"))
        #expect(Timestamp.parse(view.receivedAt) == instant("2024-06-03T10:00:00+02:00"))
        #expect(try await box.archive().find(email: "erika@example.org").map(\.reference) == [reference.rawValue])
        #expect(try await box.archive().find(consentID: try #require(ConsentID(consentID))).map(\.reference) == [reference.rawValue])
        #expect(try await box.archive().find(email: "someone@example.org").isEmpty)
        await #expect(throws: ConsentError.notFound(what: "contact request CR-0000000000000000000000000")) {
            try await box.archive().show("CR-0000000000000000000000000")
        }
    }

    @Test("a sealed cell moved to another record does not open")
    func movedCell() async throws {
        let a = try await box.intake(at: "2024-06-03T10:00:00+02:00").submit(try form())
        let b = try await box.submit(name: "Max Muster", email: "max@example.org", at: "2024-06-03T11:00:00+02:00")
        try await box.store.pool.write { db in
            try db.execute(sql: "UPDATE contact_requests SET sealed = (SELECT sealed FROM contact_requests WHERE reference = ?) WHERE reference = ?",
                           arguments: [a.rawValue, b.rawValue])
        }
        await #expect(throws: VaultError.authenticationFailed) { try await box.archive().show(b.rawValue) }
        #expect(try await box.archive().show(a.rawValue).name == Self.name)
    }

    @Test("references are unique and well-formed")
    func references() async throws {
        var seen = Set<String>()
        for i in 0..<30 {
            let r = try await box.submit(email: "p\(i)@example.org", at: "2024-06-03T10:00:\(String(format: "%02d", i))+02:00")
            #expect(Reference(r.rawValue) != nil)
            seen.insert(r.rawValue)
        }
        #expect(seen.count == 30)
        #expect(try await box.archive().list().count == 30)
    }

    @Test("a new vault.pub on disk reaches a running intake: the next request is sealed to the new key")
    func keyReload() async throws {
        let first = try await box.submit(at: "2024-06-03T10:00:00+02:00")
        let next = try VaultKeyPair.generate()
        try box.keys.write(keyPair: next, indexKey: box.indexKey, passphrase: try passphrase(), limits: Fixtures.fastLimits)
        let second = try await box.submit(at: "2024-06-03T10:01:00+02:00")
        let keyIDs = try await box.store.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT reference, key_id FROM contact_requests").map {
                ($0["reference"] as String, $0["key_id"] as String)
            })
        }
        #expect(keyIDs[first.rawValue] == box.keyPair.id.hex)
        #expect(keyIDs[second.rawValue] == next.id.hex)
        #expect(try await box.archive(keyPair: next).show(second.rawValue).email == "erika.mustermann@example.org")
    }

    @Test("the database file is not readable by others (0600)")
    func databaseMode() throws {
        var info = stat()
        #expect(stat(box.databasePath, &info) == 0)
        #expect(info.st_mode & 0o077 == 0)
    }

    @Test("with the group committer, a request is durable when submit returns")
    func groupCommit() async throws {
        let writer = GroupCommitter(pool: box.store.pool)
        let intake = ContactIntake(store: box.store, policy: box.policy, clock: clock("2024-06-03T10:00:00+02:00"),
                                   keys: box.sealingKeys, writer: writer)
        let refs = try await withThrowingTaskGroup(of: Reference.self) { group in
            for i in 0..<20 {
                group.addTask {
                    try await intake.submit(try ContactForm(name: "P \(i)", email: "p\(i)@example.org", phone: nil, message: "m",
                                                            callbackTime: nil, privacyNoticeAccepted: true))
                }
            }
            return try await group.reduce(into: [Reference]()) { $0.append($1) }
        }
        let raw = try box.rawConnection()
        #expect(try await raw.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") } == refs.count)
        try raw.close()
    }
}
