import Foundation
import Testing
@testable import Consent

/// A refusal needs no proof: by default it is stored without IP prefix and user agent, and kept
/// only while it is valid (the policy's `refusals-when-expired` rule).
@Suite("Minimisation of refusals")
struct MinimisationTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    static let provenance = Provenance(ipPrefix: "203.0.113.0", userAgent: "Firefox/128", globalPrivacyControl: false)

    @Test("a refusal's entry holds no IP prefix or user agent; a consent's does", arguments: [
        (ConsentMethod.rejectAll, [String: Bool](), true),
        (ConsentMethod.acceptSelection, [String: Bool](), true),
        (ConsentMethod.acceptSelection, ["external_media": true], false),
        (ConsentMethod.acceptAll, [String: Bool](), false),
    ])
    func refusalsWithoutProvenance(method: ConsentMethod, purposes: [String: Bool], minimised: Bool) async throws {
        let state = try await box.record(method, purposes: purposes, at: "2024-03-01T12:00:00+01:00", provenance: Self.provenance)
        let history = try await box.ledger(at: "2024-03-01T12:00:00+01:00").history(try #require(ConsentID(state.consentID)))
        let entry = try #require(history.last)
        #expect(entry.ipPrefix == (minimised ? nil : "203.0.113.0"))
        #expect(entry.userAgent == (minimised ? nil : "Firefox/128"))
    }

    @Test("a withdrawal is a refusal too; the earlier consent keeps its proof")
    func withdrawal() async throws {
        let state = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00", provenance: Self.provenance)
        let id = try #require(ConsentID(state.consentID))
        let ledger = box.ledger(at: "2024-03-02T12:00:00+01:00")
        _ = try await ledger.withdraw(id, provenance: Self.provenance, source: .web)
        let history = try await ledger.history(id)
        #expect(history.map(\.ipPrefix) == ["203.0.113.0", nil])
        #expect(history.map(\.userAgent) == ["Firefox/128", nil])
    }

    @Test("minimise_refusals: false keeps the provenance of refusals")
    func switchedOff() async throws {
        let policy = try Fixtures.policy(("  minimise_refusals: true", "  minimise_refusals: false"))
        #expect(!policy.consent.minimiseRefusals)
        let state = try await box.ledger(at: "2024-03-01T12:00:00+01:00", policy: policy)
            .record(ConsentChoice(policyVersion: policy.version, purposes: [:], method: .rejectAll), provenance: Self.provenance)
        let history = try await box.ledger(at: "2024-03-01T12:00:00+01:00").history(try #require(ConsentID(state.consentID)))
        #expect(history.first?.ipPrefix == "203.0.113.0")
    }

    @Test("refusals are deleted when they expire; a history that granted something keeps its proof for three years")
    func refusalRetention() async throws {
        let refused = try await box.record(.rejectAll, at: "2024-03-01T12:00:00+01:00", provenance: Self.provenance)
        let accepted = try await box.record(.acceptAll, at: "2024-03-01T12:00:00+01:00", provenance: Self.provenance)
        let before = try await box.retention(at: "2025-02-28T12:00:00+01:00").run(dryRun: false)
        #expect(before.rule("refusals-when-expired")?.done == 0)
        let after = try await box.retention(at: "2025-03-02T12:00:00+01:00").run(dryRun: false)
        #expect(after.rule("refusals-when-expired")?.done == 1)
        let ledger = box.ledger(at: "2025-03-02T12:00:00+01:00")
        let refusedID = try #require(ConsentID(refused.consentID))
        await #expect(throws: ConsentError.self) { try await ledger.history(refusedID) }
        #expect(try await ledger.history(try #require(ConsentID(accepted.consentID))).count == 1)
        #expect(try await box.ledgerReport().ok)
    }
}
