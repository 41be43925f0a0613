import Foundation
import Testing
@testable import Consent
import Vault

@Suite("Tombstone file: append-only, hash-chained, no personal data")
struct TombstoneLogTests {
    let box: Sandbox
    let log: TombstoneLog
    init() throws {
        box = try Sandbox()
        log = TombstoneLog(path: box.folder + "/data/tombstones.log")
    }

    func text() -> String { String(decoding: FileManager.default.contents(atPath: log.path) ?? Data(), as: UTF8.self) }

    @Test("lines chain by sequence and previous hash; the file is 0600")
    func chain() throws {
        for i in 0..<3 { try log.append(Tombstone(kind: .purge, at: instant("2024-06-0\(i + 1)T10:00:00Z"))) }
        let contents = try log.read()
        #expect(contents.entries.map(\.seq) == [1, 2, 3])
        #expect(contents.entries[0].prev == String(repeating: "0", count: 64))
        #expect(contents.entries[1].prev == contents.hashes[0])
        #expect(contents.head == TombstoneLog.Head(count: 3, hash: contents.hashes[2]))
        var info = stat()
        #expect(stat(log.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(text().split(separator: "\n").count == 3)
    }

    @Test("a torn last line is ignored, and the next append starts on a line of its own")
    func tornLine() throws {
        try log.append(Tombstone(kind: .purge, at: instant("2024-06-01T10:00:00Z")))
        let handle = try #require(FileHandle(forWritingAtPath: log.path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"v":1,"seq":2,"at":"2024-06"#.utf8))
        try handle.close()
        #expect(try log.read().entries.count == 1)
        #expect(try log.read().ignoredTornLines == 1)
        try log.append(Tombstone(kind: .purge, at: instant("2024-06-02T10:00:00Z")))
        let contents = try log.read()
        #expect(contents.entries.map(\.seq) == [1, 2])
        #expect(contents.ignoredTornLines == 1)
    }

    @Test("an edited, removed or reordered line breaks the chain", arguments: ["edit", "remove", "swap"])
    func tampered(_ how: String) throws {
        for i in 0..<3 { try log.append(Tombstone(kind: .purge, at: instant("2024-06-0\(i + 1)T10:00:00Z"))) }
        var lines = text().split(separator: "\n").map(String.init)
        switch how {
        case "edit": lines[0] = lines[0].replacingOccurrences(of: "2024-06-01", with: "2024-06-09")
        case "remove": lines.remove(at: 1)
        default: lines.swapAt(0, 1)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: log.path, atomically: false, encoding: .utf8)
        #expect(throws: TombstoneLog.Failure.self) { _ = try log.read() }
    }

    @Test("erase writes a tombstone with keyed hashes only, before it reports success")
    func erasureTombstone() async throws {
        let consent = try await box.record(.acceptAll, at: "2024-05-01T12:00:00+02:00")
        _ = try await box.submit(name: "Erika Mustermann", email: "erika@example.org", consentID: consent.consentID)
        let erasure = Erasure(store: box.store, archive: box.archive(), policy: box.policy, clock: clock("2024-06-01T12:00:00Z"),
                              index: box.index, actor: "test", tombstones: log)
        _ = try await erasure.erase(.email("Erika@Example.org"))
        let t = try #require(try log.read().entries.last)
        #expect(t.kind == .erasure)
        #expect(t.contactsByEmailIndex == [Digest.hex(box.index.value(forEmail: "erika@example.org"))])
        #expect(t.ledgerByConsentIndex == [Digest.hex(box.index.value(for: "consent:" + consent.consentID))])
        #expect(t.indexKey == box.index.tombstoneKeyID)
        let written = text().lowercased()
        #expect(!written.contains("erika"))
        #expect(!written.contains(consent.consentID.lowercased()))
    }

    @Test("a failed tombstone write erases nothing")
    func unwritableTombstone() async throws {
        let consent = try await box.record(.acceptAll, at: "2024-05-01T12:00:00+02:00")
        // A folder where the file should be: no process, not even root, can append to it.
        let blocked = TombstoneLog(path: box.folder + "/blocked")
        try FileManager.default.createDirectory(atPath: blocked.path, withIntermediateDirectories: true)
        let erasure = Erasure(store: box.store, archive: box.archive(), policy: box.policy, clock: clock("2024-06-01T12:00:00Z"),
                              index: box.index, actor: "test", tombstones: blocked)
        await #expect(throws: (any Error).self) { _ = try await erasure.erase(.consentID(ConsentID(consent.consentID)!)) }
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger WHERE consent_id IS NOT NULL") == 1)
    }

    @Test("a real purge writes one tombstone with each rule's cut-off; a dry run and a purge that deletes nothing write none")
    func purgeTombstone() async throws {
        let retention = Retention(store: box.store, policy: box.policy, clock: clock("2025-01-02T00:00:00+01:00"), actor: "test", tombstones: log)
        _ = try await retention.run(dryRun: true)
        #expect(!log.exists)
        _ = try await retention.run(dryRun: false)
        #expect(try log.read().entries.isEmpty, "nothing was due: nothing to re-apply")
        try await box.submit(email: "due@example.org")  // received in the programme: due at its end
        _ = try await retention.run(dryRun: true)
        #expect(try log.read().entries.isEmpty)
        _ = try await retention.run(dryRun: false)
        #expect(try log.read().entries.count == 1)
        _ = try await retention.run(dryRun: false)
        #expect(try log.read().entries.count == 1, "the second purge deleted nothing")
        let t = try #require(try log.read().entries.last)
        #expect(t.kind == .purge)
        let rules = try #require(t.rules)
        #expect(rules.first { $0.rule == "contacts-at-programme-end" }?.cutoffMs == Int64.max)
        #expect(rules.first { $0.rule == "contacts-max-age" }?.cutoffMs == Timestamp.millis(instant("2024-07-02T00:00:00+02:00")))
    }
}
