@testable import Consent
import Foundation
import Testing

@Suite("privacyctl erase: Art. 17, for real")
struct EraseCommandTests {
    @Test("after erase not one byte of the person's sealed record, index entry or consent id is left in the file or the WAL")
    func byteScan() async throws {
        let cli = try CLIFixture()
        let consent = try await cli.recordConsent()
        let reference = try await cli.submitContact(name: "Erika Mustermann", email: "erika@example.org", consentID: consent.consentID)
        let other = try await cli.submitContact(name: "Max Nachbar", email: "max@example.org")
        let (sealed, index) = try await cli.storedBytes(of: reference)
        #expect(try cli.bytesOnDisk().contains(sealed.prefix(200)))

        let result = cli.run(["erase", "--email", "ERIKA@example.org ", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(result.json as? [String: Any])
        #expect(report["contact_requests_deleted"] as? Int == 1)
        #expect(report["consent_entries_redacted"] as? Int == 1)
        #expect(report["wal_truncated"] as? Bool == true)

        let disk = try cli.bytesOnDisk()
        // Any 32-byte window of the ciphertext, the wrapped data key, the blind index, the id.
        for offset in stride(from: 0, to: sealed.count - 32, by: 97) {
            #expect(!disk.contains(sealed[sealed.startIndex + offset ..< sealed.startIndex + offset + 32]))
        }
        #expect(!disk.contains(index))
        #expect(!disk.contains(Array(consent.consentID.utf8)))
        #expect(!disk.contains(Array(reference.rawValue.utf8)))
        #expect(((try? FileManager.default.attributesOfItem(atPath: cli.database + "-wal")[.size]) as? Int ?? 0) == 0)

        // The other person is untouched, the chains still verify, the audit entry names nobody.
        #expect(cli.run(["contacts", "show", other.rawValue]).status == 0)
        #expect(cli.run(["contacts", "show", reference.rawValue]).status == 3)
        #expect(cli.run(["consent", "show", consent.consentID]).status == 3)
        #expect(cli.run(["audit", "verify"]).status == 0)
        let log = cli.run(["audit", "log", "--json"]).stdout
        #expect(log.contains("\"erase\""))
        #expect(!log.localizedCaseInsensitiveContains("erika"))
    }

    @Test("a person of whom nothing is held: exit 3, nothing changes")
    func unknownPerson() throws {
        let cli = try CLIFixture()
        #expect(cli.run(["erase", "--email", "nobody@example.org"]).status == 3)
        #expect(cli.run(["erase", "--consent-id", "0123456789abcdef0123456789abcdef"]).status == 3)
        #expect(cli.run(["audit", "log", "--json"]).stdout.contains("erase") == false)
    }

    @Test("a legal hold keeps the record from erasure and is reported")
    func legalHold() async throws {
        let cli = try CLIFixture()
        let reference = try await cli.submitContact(name: "Erika", email: "erika@example.org")
        #expect(cli.run(["hold", "add", "--reference", reference.rawValue, "--kind", "legal_hold", "--reason", "court case"]).status == 0)
        let result = cli.run(["erase", "--email", "erika@example.org", "--json"])
        #expect(result.status == 0)
        #expect((result.json as? [String: Any])?["held_by_legal_hold"] as? Int == 1)
        #expect(cli.run(["contacts", "show", reference.rawValue]).status == 0)
    }
}
