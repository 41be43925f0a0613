import Foundation
import GRDB
import Testing
@testable import Consent

/// The purge's "withdrawn" clock starts at the entry that ended the consent's last grant, whatever
/// its method; refusals need no proof and a rule with `applies_to: refusals` takes them early.
@Suite("Retention: the withdrawn clock and refusal rules")
struct WithdrawnClockTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    struct Step: Sendable, CustomStringConvertible {
        var method: ConsentMethod
        var purposes: [String: Bool] = [:]
        var services: [String: Bool] = [:]
        var at: String
        var description: String { "\(method.rawValue)@\(at)" }
    }

    static let grant = Step(method: .acceptAll, at: "2024-03-01T12:00:00+01:00")

    @Test("the clock starts with the entry that switched the last grant off", arguments: [
        // (history, the withdrawal's instant or nil when the consent is not withdrawn)
        ([grant, Step(method: .withdraw, at: "2024-04-01T10:00:00+02:00")], "2024-04-01T10:00:00+02:00"),
        ([grant, Step(method: .rejectAll, at: "2024-04-01T10:00:00+02:00")], "2024-04-01T10:00:00+02:00"),
        ([grant, Step(method: .acceptSelection, purposes: ["external_media": false], at: "2024-04-01T10:00:00+02:00")], "2024-04-01T10:00:00+02:00"),
        ([Step(method: .acceptSelection, services: ["youtube": true], at: "2024-03-01T12:00:00+01:00"),
          Step(method: .acceptSelection, at: "2024-04-01T10:00:00+02:00")], "2024-04-01T10:00:00+02:00"),
        ([grant, Step(method: .rejectAll, at: "2024-04-01T10:00:00+02:00"), Step(method: .rejectAll, at: "2024-05-01T10:00:00+02:00")],
         "2024-04-01T10:00:00+02:00"),
        ([grant, Step(method: .rejectAll, at: "2024-04-01T10:00:00+02:00"), Step(method: .acceptAll, at: "2024-05-01T10:00:00+02:00")], nil),
        ([grant, Step(method: .acceptSelection, services: ["youtube": true], at: "2024-04-01T10:00:00+02:00")], nil),
        ([Step(method: .rejectAll, at: "2024-03-01T12:00:00+01:00")], nil),
    ] as [([Step], String?)])
    func withdrawnClock(history: [Step], withdrawnAt: String?) async throws {
        var id: ConsentID?
        for step in history {
            let state = try await box.record(step.method, purposes: step.purposes, services: step.services, id: id, at: step.at)
            id = ConsentID(state.consentID)
        }
        func due(_ now: String) async throws -> Int {
            try await box.retention(at: now).run(dryRun: true).rule("consent-proof-after-withdrawal")?.due ?? -1
        }
        if let withdrawnAt {
            let at = instant(withdrawnAt)
            let threeYears = ISODuration("P3Y")!.added(to: at, in: box.policy.calendar)
            #expect(try await due(Timestamp.format(threeYears.addingTimeInterval(-0.001))) == 0)
            #expect(try await due(Timestamp.format(threeYears)) == history.count)
        } else {
            #expect(try await due("2031-01-01T00:00:00+01:00") == 0)
        }
    }

    @Test("a rule with applies_to: refusals takes consents that never granted anything, and nothing else")
    func refusalsOnly() async throws {
        // The shipped policy's own rule `refusals-when-expired` (applies_to: refusals, expired + P0D, delete).
        let policy = box.policy
        #expect(policy.retention.contains { $0.id == "refusals-when-expired" && $0.appliesTo == .refusals })
        let refusal = try await box.record(.rejectAll, at: "2024-03-01T12:00:00+01:00")           // expires 2025-03-01 12:00
        _ = try await box.record(.rejectAll, id: ConsentID(refusal.consentID), at: "2024-03-02T12:00:00+01:00")
        let withdrawn = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00")
        _ = try await box.record(.rejectAll, id: ConsentID(withdrawn.consentID), at: "2024-03-02T12:00:00+01:00")
        let before = try await box.retention(at: "2025-03-02T11:59:59+01:00", policy: policy).run(dryRun: true)
        #expect(before.rule("refusals-when-expired")?.due == 0)
        let at = try await box.retention(at: "2025-03-02T12:00:00+01:00", policy: policy).run(dryRun: false)
        #expect(at.rule("refusals-when-expired")?.done == 2)
        await #expect(throws: ConsentError.self) {
            try await box.ledger(at: "2025-03-02T12:00:00+01:00").history(try #require(ConsentID(refusal.consentID)))
        }
        #expect(try await box.ledger(at: "2025-03-02T12:00:00+01:00").history(try #require(ConsentID(withdrawn.consentID))).count == 2)
        #expect(try await box.ledgerReport().ok)
    }
}
