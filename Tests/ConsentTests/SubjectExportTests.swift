import Foundation
import GRDB
import Testing
@testable import Consent
@testable import Vault

@Suite("Subject export (Art. 15 / Art. 20)")
struct SubjectExportTests {
    let box: Sandbox
    let carlaConsent: ConsentID
    let dieterConsent: ConsentID

    static let carla = (name: "Carla Çelik", email: "carla.celik@example.org", message: "Frage zum Mietertreff")
    static let dieter = (name: "Dieter Dörfler", email: "dieter.doerfler@example.net", message: "Dieters geheime Nachricht 42")

    init() async throws {
        box = try Sandbox()
        let c = try await box.record(.acceptSelection, services: ["youtube": true], at: "2024-05-01T12:00:00+02:00",
                                     provenance: Provenance(ipPrefix: "203.0.113.0", userAgent: "Carla's browser"))
        carlaConsent = try #require(ConsentID(c.consentID))
        _ = try await box.record(.acceptAll, id: carlaConsent, at: "2024-05-10T12:00:00+02:00")
        let d = try await box.record(.acceptAll, at: "2024-05-01T12:30:00+02:00",
                                     provenance: Provenance(ipPrefix: "198.51.100.0", userAgent: "Dieter's browser"))
        dieterConsent = try #require(ConsentID(d.consentID))
        try await box.submit(name: Self.carla.name, email: Self.carla.email, message: Self.carla.message,
                             consentID: carlaConsent.rawValue, at: "2024-05-02T10:00:00+02:00")
        try await box.submit(name: Self.carla.name, email: Self.carla.email, message: "Zweite Frage", phone: nil,
                             at: "2024-05-03T10:00:00+02:00")
        try await box.submit(name: Self.dieter.name, email: Self.dieter.email, message: Self.dieter.message,
                             consentID: dieterConsent.rawValue, at: "2024-05-02T11:00:00+02:00")
    }

    func export(_ subject: DataSubject) async throws -> (SubjectExport, String) {
        let export = try await SubjectExport.build(for: subject, archive: box.archive(), ledger: box.ledger(at: "2024-06-01T12:00:00+02:00"),
                                                   policy: box.policy, now: instant("2024-06-01T12:00:00+02:00"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (export, String(decoding: try encoder.encode(export), as: UTF8.self))
    }

    /// Everything about Dieter that must not leak into Carla's export.
    var dieterTraces: [String] {
        [Self.dieter.name, "Dörfler", Self.dieter.email, "doerfler", Self.dieter.message, dieterConsent.rawValue, "198.51.100.0", "Dieter's browser"]
    }

    @Test("the export holds exactly the person's data, and nothing of anyone else")
    func exactlyThePerson() async throws {
        let (export, json) = try await export(.email("  CARLA.Celik@example.org "))
        #expect(export.data.contactRequests.count == 2)
        #expect(export.data.contactRequests.allSatisfy { $0.name == Self.carla.name && $0.email == Self.carla.email })
        #expect(export.data.contactRequests.map(\.message) == [Self.carla.message, "Zweite Frage"])
        #expect(export.data.consents.map(\.consentID) == [carlaConsent.rawValue])
        #expect(export.data.consents.first?.entries.map(\.method) == ["accept_selection", "accept_all"])
        #expect(export.data.consents.first?.entries.first?.userAgent == "Carla's browser")
        #expect(!export.isEmpty)
        #expect(json.contains(Self.carla.name))
        #expect(json.contains(Self.carla.email))
        for trace in dieterTraces {
            #expect(!json.contains(trace), "'\(trace)' is in Carla's export")
        }
    }

    @Test("by consent id: the consent history and the requests sent with it")
    func byConsentID() async throws {
        let (export, json) = try await export(.consentID(carlaConsent))
        #expect(export.subject == ["consent_id": carlaConsent.rawValue])
        #expect(export.data.contactRequests.count == 1)
        #expect(export.data.consents.first?.entries.count == 2)
        for trace in dieterTraces { #expect(!json.contains(trace), "'\(trace)'") }
    }

    @Test("every Art. 15 field is filled from the policy")
    func article15() async throws {
        let (export, json) = try await export(.email(Self.carla.email))
        let info = export.information
        #expect(export.format == "privacy-engine-export/1")
        #expect(Timestamp.parse(export.generatedAt) == instant("2024-06-01T12:00:00+02:00"))
        #expect(!export.controller.name.isEmpty && !export.controller.address.isEmpty)
        #expect(export.controller.email != nil)
        #expect(!info.purposes.isEmpty)
        #expect(info.purposes.allSatisfy { !$0.purpose.isEmpty && !$0.legalBasis.isEmpty && !$0.data.isEmpty })
        #expect(!info.categoriesOfData.isEmpty)
        #expect(!info.recipients.isEmpty)
        #expect(info.storagePeriod.count == box.policy.retention.count + 1)
        #expect(info.storagePeriod.last?.contains("privacy_consent_id") == true)
        #expect(info.purposes.allSatisfy { $0.rights.contains("access") })
        #expect(export.controller.dpo?.email.isEmpty == false)
        // One basis per purpose, the same as the notice's: the consent record is not (c) here.
        #expect(info.purposes.map(\.legalBasis).allSatisfy { !$0.contains("6(1)(c)") })
        #expect(info.purposes.first { $0.purpose.contains("(contact_requests)") }?.rights.contains("portability") == false)
        #expect(info.storagePeriod.allSatisfy { !$0.isEmpty })
        #expect(info.rights.count >= 6)
        #expect(info.rights.contains { $0.contains("Art. 17") })
        #expect(info.rightToComplain.contains("TLfDI"))
        #expect(!info.source.isEmpty)
        #expect(!info.automatedDecisionMaking.isEmpty)
        #expect(!info.thirdCountryTransfers.isEmpty)
        for key in ["purposes", "categories_of_data", "recipients", "storage_period", "rights", "right_to_complain", "source",
                    "automated_decision_making", "third_country_transfers", "contact_requests", "consents", "generated_at"] {
            #expect(json.contains("\"\(key)\""), "\(key)")
        }
    }

    @Test("a blind-index collision does not let another person's record in")
    func indexCollision() async throws {
        // A record of Dieter's filed under Carla's index value (as a collision would): opening it shows
        // another address, so it stays out.
        let reference = "CR-" + String(repeating: "Z", count: 26)
        let payload = ContactPayload(form: try ContactForm(name: Self.dieter.name, email: Self.dieter.email, phone: nil,
                                                           message: Self.dieter.message, callbackTime: nil, privacyNoticeAccepted: true),
                                     privacyNoticeAcceptedAt: "2024-05-05T10:00:00.000Z")
        let sealed = try Sealer(publicKey: box.keyPair.publicKey)
            .seal(Array(try JSONEncoder().encode(payload)), context: ContactRequestRow.context(reference: reference))
        let row = ContactRequestRow(reference: reference, receivedAt: Timestamp.millis(instant("2024-05-05T10:00:00+02:00")),
                                    policyVersion: box.policy.version, keyID: box.keyPair.id.hex, sealed: Data(sealed.bytes),
                                    emailIndex: Data(box.index.value(forEmail: Self.carla.email)), consentIndex: nil)
        try await box.store.pool.write { db in try row.insert(db) }
        let (export, json) = try await export(.email(Self.carla.email))
        #expect(export.data.contactRequests.count == 2)
        for trace in dieterTraces { #expect(!json.contains(trace), "'\(trace)'") }
    }

    @Test("someone with no data gets an empty export")
    func nobody() async throws {
        let (export, json) = try await export(.email("nobody@example.org"))
        #expect(export.isEmpty)
        #expect(!json.contains(Self.carla.email))
        #expect(!json.contains(Self.dieter.email))
    }
}
