import Foundation
import GRDB
import Testing
@testable import Consent
import Vault

@Suite("Wind-down: resumable steps and a signed, verifiable report")
struct WindDownTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    func windDown(at now: String, archive: Bool = true) -> WindDown {
        WindDown(store: box.store, policy: box.policy, clock: clock(now), actor: "test", archive: archive ? box.archive() : nil)
    }

    var packageFolder: String { box.folder + "/package" }

    @Test("the report rendered from a real run, signed with an Ed25519 test key, verifies; an edited report does not")
    func signedReport() async throws {
        for _ in 0..<6 { try await box.submit(at: "2024-11-05T10:00:00+01:00") }
        try await box.record(.acceptAll, at: "2024-06-01T12:00:00+02:00")
        var report = try await windDown(at: "2025-02-15T10:00:00+01:00").run(dryRun: false, packageFolder: packageFolder)
        #expect(report.stoppedAt == nil)
        #expect(report.purge?.report.rules.first { $0.rule == "contacts-at-programme-end" }?.done == 6)
        let key = try Ed25519SigningKey.generate(name: "stadtteilmanagement-leinefelde.example/consent-ledger")
        for format in ReportDocument.Format.allCases {
            let bytes = Array(DeletionReportText.document(report, language: "de").render(format).utf8)
            report.signature = Ed25519ReportSigner(key: key).signatureLine(for: bytes)
            let line = try #require(report.signature)
            #expect(ReportSignature.verify(line: line, message: bytes, verifierKey: key.verifierKey), "\(format)")
            let edited = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "2024-11", with: "2024-10").utf8)
            #expect(edited != bytes)
            #expect(!ReportSignature.verify(line: line, message: edited, verifierKey: key.verifierKey))
        }
        let text = DeletionReportText.document(report, language: "de").render(.markdown)
        #expect(text.contains("| Kontaktanfragen | 6 | 2024-11 |"))
        #expect(!text.contains("Erika"), "no personal data in the report")
    }

    @Test("a stopped run resumes where it stopped; the statistics are taken once, before the purge, and never again")
    func resumes() async throws {
        for _ in 0..<6 { try await box.submit(at: "2024-11-05T10:00:00+01:00") }
        let reference = try await box.submit(at: "2024-12-05T10:00:00+01:00")
        let hold = try await box.holds(at: "2024-12-06T10:00:00+01:00").add(subjectKind: .contactRequest, subject: reference.rawValue,
                                                                           kind: .legalHold, reason: "Klage")
        let stopped = try await windDown(at: "2025-01-10T10:00:00+01:00").run(dryRun: false, packageFolder: packageFolder)
        #expect(stopped.stoppedAt == .stockTake)
        #expect(try await box.count("SELECT COUNT(*) FROM wind_down_steps") == 0)
        try await box.holds(at: "2025-01-11T10:00:00+01:00").release(id: try #require(hold.id))

        // Statistics are heard once, before the purge (seven requests still there).
        let heard = Heard()
        let first = try await windDown(at: "2025-01-12T10:00:00+01:00").run(dryRun: false, packageFolder: packageFolder) { stats in
            heard.add(stats.contactRequestsByMonth.totals.first ?? "")
        }
        #expect(heard.values == ["7"])
        #expect(first.statistics?.asOf == Timestamp.format(instant("2025-01-12T10:00:00+01:00")))
        #expect(try await box.count("SELECT COUNT(*) FROM contact_requests") == 0)
        // A later run (no key at hand: the statistics are not taken again) only re-issues the report.
        let again = try await windDown(at: "2025-03-01T10:00:00+01:00", archive: false).run(dryRun: false, packageFolder: packageFolder) { _ in
            heard.add("again")
        }
        #expect(heard.values == ["7"])
        #expect(again.statistics == first.statistics)
        #expect(again.held == first.held)
        #expect(again.held.contactRequests == 7)
        #expect(try await box.auditReport().ok)
    }

    @Test("a dry run changes no row")
    func dryRun() async throws {
        try await box.submit(at: "2024-11-05T10:00:00+01:00")
        let before = try await box.count("SELECT COUNT(*) FROM audit_log")
        let report = try await windDown(at: "2025-02-15T10:00:00+01:00").run(dryRun: true, packageFolder: packageFolder)
        #expect(report.dryRun && report.purge?.report.rules.first { $0.rule == "contacts-at-programme-end" }?.due == 1)
        #expect(try await box.count("SELECT COUNT(*) FROM contact_requests") == 1)
        #expect(try await box.count("SELECT COUNT(*) FROM wind_down_steps") == 0)
        #expect(try await box.count("SELECT COUNT(*) FROM audit_log") == before)
        #expect(!FileManager.default.fileExists(atPath: packageFolder))
    }
}

final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func add(_ value: String) { lock.lock(); storage.append(value); lock.unlock() }
    var values: [String] { lock.lock(); defer { lock.unlock() }; return storage }
}
