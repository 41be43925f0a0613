import Foundation
import Testing
@testable import Consent

/// The consent rules read a compact catalogue of the policy (ids, required, services) instead of
/// the whole purposes (issue 16). Here random choices are checked against the rules restated from
/// the policy's own `Purpose` and `Service` values, so that the catalogue can never drop a
/// service, a purpose or a `required` flag unnoticed.
@Suite("Consent rules")
struct ConsentRulesTests {
    /// The rules of `ConsentRules`' documentation, read straight from the policy.
    static func expected(_ choice: ConsentChoice, _ policy: Policy) -> (fields: Set<String>, purposes: [String: Bool], services: [String: Bool]) {
        var fields: Set<String> = []
        if choice.policyVersion != policy.version { fields.insert("policy_version") }
        let purposeIDs = Set(policy.consent.purposes.map(\.id))
        let serviceIDs = Set(policy.consent.purposes.flatMap { $0.services.map(\.id) })
        for id in choice.purposes.keys where !purposeIDs.contains(id) { fields.insert("purposes.\(id)") }
        for id in choice.services.keys where !serviceIDs.contains(id) { fields.insert("services.\(id)") }
        var purposes: [String: Bool] = [:]
        var services: [String: Bool] = [:]
        let grantsAll = choice.method == .acceptAll
        let grantsNothing = choice.method == .rejectAll || choice.method == .withdraw
        for purpose in policy.consent.purposes {
            let sent = choice.purposes[purpose.id]
            if purpose.required || grantsAll {
                if sent == false { fields.insert("purposes.\(purpose.id)") }
                purposes[purpose.id] = true
            } else if grantsNothing {
                if sent == true { fields.insert("purposes.\(purpose.id)") }
                purposes[purpose.id] = false
            } else {
                purposes[purpose.id] = sent ?? false
            }
            for service in purpose.services {
                let sentService = choice.services[service.id]
                if grantsAll && sentService == false { fields.insert("services.\(service.id)") }
                if grantsNothing && sentService == true { fields.insert("services.\(service.id)") }
                services[service.id] = sentService ?? purposes[purpose.id]!
            }
        }
        return (fields, purposes, services)
    }

    @Test("random choices are completed or refused as the rules say, field by field")
    func randomChoices() throws {
        let policy = try Fixtures.shippedPolicy()
        let catalogue = ConsentRules.Catalogue(policy)
        var generator = SeededRandom(seed: "consent rules")
        let purposeIDs = policy.consent.purposes.map(\.id) + ["marketing"]
        let serviceIDs = policy.consent.purposes.flatMap { $0.services.map(\.id) } + ["vimeo"]
        var completed = 0, refused = 0
        for _ in 0..<2_000 {
            var purposes: [String: Bool] = [:]
            for id in purposeIDs where Int.random(in: 0..<3, using: &generator) == 0 { purposes[id] = Bool.random(using: &generator) }
            var services: [String: Bool] = [:]
            for id in serviceIDs where Int.random(in: 0..<3, using: &generator) == 0 { services[id] = Bool.random(using: &generator) }
            let version = Int.random(in: 0..<10, using: &generator) == 0 ? "2023-01-01" : policy.version
            let method = ConsentMethod.allCases.randomElement(using: &generator)!
            let choice = ConsentChoice(policyVersion: version, purposes: purposes, services: services, method: method)
            let want = Self.expected(choice, policy)
            do {
                let got = try ConsentRules.complete(choice, catalogue)
                #expect(want.fields.isEmpty, "accepted although \(want.fields.sorted()) break a rule: \(choice)")
                #expect(got.purposes == want.purposes, "\(choice)")
                #expect(got.services == want.services, "\(choice)")
                completed += 1
            } catch {
                switch error {
                case .invalid(let field, _): #expect(want.fields == [field], "\(choice)")
                case .invalidFields(let problems): #expect(want.fields == Set(problems.keys), "\(choice)")
                default: Issue.record("unexpected \(error) for \(choice)")
                }
                refused += 1
            }
        }
        // Both outcomes are exercised, not just one of them.
        #expect(completed > 200 && refused > 200, "completed \(completed), refused \(refused)")
    }

    @Test("the catalogue holds every purpose and service of the policy, in order, with its required flag")
    func catalogue() throws {
        let policy = try Fixtures.shippedPolicy()
        let catalogue = ConsentRules.Catalogue(policy)
        #expect(catalogue.version == policy.version)
        #expect(catalogue.purposes.map(\.id) == policy.consent.purposes.map(\.id))
        #expect(catalogue.purposes.map(\.required) == policy.consent.purposes.map(\.required))
        #expect(catalogue.purposes.map(\.services) == policy.consent.purposes.map { $0.services.map(\.id) })
        #expect(catalogue.grantsOptional(purposes: ["necessary": true], services: [:]) == false)
        #expect(catalogue.grantsOptional(purposes: ["necessary": true, "external_media": true], services: [:]))
        #expect(catalogue.grantsOptional(purposes: ["necessary": true], services: ["youtube": true]))
    }
}
