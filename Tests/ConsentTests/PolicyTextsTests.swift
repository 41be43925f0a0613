import Foundation
import GRDB
import Synchronization
import Testing
@testable import Consent
import Vault

/// The kept texts of each policy version (issue 11, "Texts kept"): what `texts_hash` addresses.
@Suite("Policy texts kept")
struct PolicyTextsTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    static let june = "2024-06-01T12:00:00+02:00"
    static let july = "2024-07-01T12:00:00+02:00"
    /// Every banner body (German and English) begins with a new sentence.
    static let newBody = ("      body: \"", "      body: \"Geänderter Text. ")

    func keptRows() async throws -> [Row] {
        try await box.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT policy_version, language, texts_hash, document, kept_at FROM policy_texts ORDER BY language")
        }
    }

    // MARK: The canonical form

    @Test("the canonical form is RFC 8785 for strings, booleans, arrays and objects")
    func canonicalForm() {
        let value = CanonicalJSON.object([
            "b": .array([.bool(true), .bool(false), .string("")]),
            "a": .string("\"\\/\u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F}ä€😀\u{2028}"),
            "ä": .object([:]),
            "Z": .string("z"),
        ])
        let expected = #"{"Z":"z","a":"\"\\/\b\f\n\r\t\u0001\u001f"# + "\u{7F}ä€😀\u{2028}" + #"","b":[true,false,""],"ä":{}}"#
        #expect(String(decoding: value.bytes, as: UTF8.self) == expected)
        #expect(value.bytes == Array(expected.utf8))
    }

    @Test("object members are sorted by UTF-16 code units, not by scalars")
    func utf16Order() {
        // U+FB01 sorts after U+1F600 by scalar value but before it in UTF-16 (0xD83D < 0xFB01).
        let value = CanonicalJSON.object(["\u{FB01}": .bool(true), "😀": .bool(false)])
        #expect(String(decoding: value.bytes, as: UTF8.self) == "{\"😀\":false,\"\u{FB01}\":true}")
    }

    @Test("the texts hash is BLAKE2b-256 of the document, which parses back to the same texts", arguments: ["de", "en"])
    func documentAndHash(language: String) throws {
        let snapshot = TextsSnapshot(box.policy.texts(language: language))
        #expect(snapshot.hash == Data(Digest.blake2b([UInt8](snapshot.document))))
        #expect(snapshot.hash == box.policy.textsHash(language: language))
        let parsed = try JSONDecoder().decode(PolicyTexts.self, from: snapshot.document)
        #expect(parsed == snapshot.texts)
        #expect(TextsSnapshot(parsed).document == snapshot.document)
        let object = try #require(try JSONSerialization.jsonObject(with: snapshot.document) as? [String: Any])
        #expect(Set(object.keys) == ["format", "policy_version", "language", "texts", "banner_strings", "purposes"])
        #expect(object["format"] as? String == "texts-v2")
        #expect(object["language"] as? String == language)
    }

    @Test("the snapshot holds the banner script's strings: placeholder button, Immer aktiv, the GPC notice")
    func bannerStringsInSnapshot() throws {
        let de = box.policy.texts(language: "de")
        #expect(de.bannerStrings["placeholder_button"] == "{service} erlauben und laden")
        #expect(de.bannerStrings["always_active"] == "Immer aktiv")
        #expect(de.bannerStrings["gpc"]?.contains("Global Privacy Control") == true)
        #expect(Set(de.bannerStrings.keys) == BannerStrings.keys)
        #expect(box.policy.texts(language: "en").bannerStrings["placeholder_button"] == "Allow and load {service}")
        // A language without texts is shown (and recorded) in German.
        #expect(box.policy.texts(language: "fr") == de)
        // Another placeholder wording is another texts hash.
        let changed = try Fixtures.policy(("placeholder_button: \"{service} erlauben und laden\"", "placeholder_button: \"{service} laden\""))
        #expect(changed.textsHash(language: "de") != box.policy.textsHash(language: "de"))
        #expect(changed.textsHash(language: "en") == box.policy.textsHash(language: "en"))
    }

    @Test("the old texts-v1 hash is not the hash new entries record")
    func formatChanged() {
        #expect(box.policy.textsHashV1(language: "de") != box.policy.textsHash(language: "de"))
    }

    // MARK: Keeping

    @Test("serve's keep stores every language once; a second start keeps nothing new")
    func keptOnce() async throws {
        let archive = PolicyTextArchive(store: box.store)
        let first = try await archive.keep(box.policy, at: instant(Self.june))
        #expect(first == .init(policyVersion: "2024-03-01", keptNow: ["de", "en"], keptBefore: []))
        let second = try await archive.keep(box.policy, at: instant(Self.july))
        #expect(second == .init(policyVersion: "2024-03-01", keptNow: [], keptBefore: ["de", "en"]))
        try await box.record(.acceptAll, at: Self.july)
        let rows = try await keptRows()
        #expect(rows.count == 2)
        #expect(rows.map { $0["language"] as String } == ["de", "en"])
        #expect(rows.allSatisfy { $0["kept_at"] as Int64 == Timestamp.millis(instant(Self.june)) })
        for row in rows {
            let document: String = row["document"]
            #expect(Data(Digest.blake2b(Array(document.utf8))) == row["texts_hash"] as Data)
        }
    }

    @Test("an entry keeps its texts in its own transaction, without serve having kept them")
    func keptByTheEntry() async throws {
        let state = try await box.ledger(at: Self.june).record(
            ConsentChoice(policyVersion: box.policy.version, purposes: [:], method: .rejectAll, language: "en"), provenance: .none)
        let rows = try await keptRows()
        #expect(rows.map { $0["language"] as String } == ["en"])
        #expect(Digest.hex([UInt8](rows[0]["texts_hash"] as Data)) == state.receipt.textsHash)
        // serve's later start adds German and accepts the English already kept.
        let report = try await PolicyTextArchive(store: box.store).keep(box.policy, at: instant(Self.july))
        #expect(report.keptNow == ["de"] && report.keptBefore == ["en"])
        #expect(try await box.ledgerReport().ok)
    }

    @Test("a placeholder-button consent (one service, accept_selection) has its strings in the kept texts")
    func placeholderConsent() async throws {
        let state = try await box.record(.acceptSelection, purposes: ["external_media": false], services: ["youtube": true],
                                         at: Self.june)
        let kept = try await PolicyTextArchive(store: box.store).texts(of: try #require(ConsentID(state.consentID)))
        #expect(kept.textsHash == state.receipt.textsHash)
        #expect(kept.texts.bannerStrings["placeholder_button"] == "{service} erlauben und laden")
        #expect(kept.texts.bannerStrings["placeholder_text"]?.contains("{provider}") == true)
        #expect(kept.texts.purposes.flatMap(\.services).map(\.id) == ["youtube", "google_maps"])
    }

    // MARK: Showing

    @Test("the texts of an entry are shown as kept, also after the policy file changed")
    func shownAfterPolicyChange() async throws {
        let given = try await box.record(.acceptAll, at: Self.june)
        let id = try #require(ConsentID(given.consentID))
        let newer = try Fixtures.policy(Self.newBody, ("policy_version: \"2024-03-01\"", "policy_version: \"2024-09-01\""))
        _ = try await PolicyTextArchive(store: box.store).keep(newer, at: instant(Self.july))
        let other = try await box.ledger(at: Self.july, policy: newer).record(
            ConsentChoice(policyVersion: newer.version, purposes: [:], method: .rejectAll), provenance: .none)

        let kept = try await PolicyTextArchive(store: box.store).texts(of: id)
        #expect(kept.texts == box.policy.texts(language: "de"))
        #expect(kept.texts.policyVersion == "2024-03-01")
        #expect(kept.texts.texts["body"] == box.policy.consent.texts["de"]?["body"])
        #expect(kept.sequence == given.receipt.sequence && kept.method == "accept_all")
        let keptNew = try await PolicyTextArchive(store: box.store).texts(of: try #require(ConsentID(other.consentID)))
        #expect(keptNew.texts.texts["body"] == "Geänderter Text. " + (box.policy.consent.texts["de"]?["body"] ?? ""))
        // 2024-03-01 in German (kept by the entry), 2024-09-01 in both languages (kept by serve).
        #expect(try await keptRows().count == 3)
        #expect(try await box.ledgerReport().ok)
    }

    @Test("an entry recorded before texts were kept is not found (exit 3), naming its entry")
    func notKept() async throws {
        let given = try await box.record(.acceptAll, at: Self.june)
        // As an entry of an older engine: a texts-v1 hash and no kept texts.
        try await box.store.pool.write { db in try db.execute(sql: "DELETE FROM policy_texts") }
        let id = try #require(ConsentID(given.consentID))
        await #expect(throws: PolicyTextsError.notKept(consentID: given.consentID, sequence: 1, policyVersion: "2024-03-01",
                                                         recordedAt: given.recordedAt, textsHash: given.receipt.textsHash)) {
            try await PolicyTextArchive(store: box.store).texts(of: id)
        }
        await #expect(throws: ConsentError.notFound(what: "consent unknown-consent-id")) {
            try await PolicyTextArchive(store: box.store).texts(of: ConsentID("unknown-consent-id")!)
        }
    }

    @Test("an old texts-v1 entry and new texts-v2 entries share one chain that verifies; only the old one lacks texts")
    func oldAndNewEntries() async throws {
        let v1 = box.policy.textsHashV1(language: "de")
        let old = LedgerEntry(
            seq: 0, consentID: "old-consent-0001", recordedAt: Timestamp.millis(instant("2024-03-02T12:00:00+01:00")),
            expiresAt: nil, policyVersion: box.policy.version, method: "accept_all", source: "web",
            purposes: LedgerEntry.encodeChoices(["necessary": true, "external_media": true]),
            services: LedgerEntry.encodeChoices(["youtube": true, "google_maps": true]), pageURL: nil, language: nil,
            ipPrefix: nil, userAgent: nil, gpc: false, gpcConflict: false, reason: nil, textsHash: v1,
            contentHash: Data(), prevHash: Data(), entryHash: Data(), redaction: nil, redactedAt: nil, personalHash: nil)
        _ = try await box.store.pool.write { db in try ConsentLedger.append(old, db) }
        let new = try await box.record(.rejectAll, at: Self.june)
        try await box.ledger(at: Self.july).withdraw(ConsentID("old-consent-0001")!, provenance: .none, source: .dpo)
        #expect(try await box.ledgerReport() == ChainReport(chain: "consent_ledger", entries: 3, redacted: 0, firstBad: nil))
        let hashes = try await box.store.pool.read { db in try Data.fetchAll(db, sql: "SELECT texts_hash FROM consent_ledger ORDER BY seq") }
        #expect(hashes == [v1, box.policy.textsHash(language: "de"), box.policy.textsHash(language: "de")])
        // The old entry's withdrawal is new: its texts are kept; the new consent's too.
        #expect(try await PolicyTextArchive(store: box.store).texts(of: ConsentID("old-consent-0001")!).sequence == 3)
        #expect(try await PolicyTextArchive(store: box.store).texts(of: ConsentID(new.consentID)!).sequence == 2)
        // Its first entry, alone, could not show its texts.
        try await box.store.pool.write { db in try db.execute(sql: "DELETE FROM consent_ledger WHERE seq = 3") }
        await #expect(throws: PolicyTextsError.self) {
            try await PolicyTextArchive(store: box.store).texts(of: ConsentID("old-consent-0001")!)
        }
    }

    @Test("kept texts edited in the file do not verify")
    func corrupt() async throws {
        let given = try await box.record(.acceptAll, at: Self.june)
        try await box.store.pool.write { db in
            try db.execute(sql: "UPDATE policy_texts SET document = replace(document, 'Cookies', 'Kekse')")
        }
        let error = await #expect(throws: PolicyTextsError.self) {
            try await PolicyTextArchive(store: box.store).texts(of: ConsentID(given.consentID)!)
        }
        guard case .corrupt(_, let problem) = try #require(error) else { Issue.record("not corrupt: \(String(describing: error))"); return }
        #expect(problem.contains("does not hash to its address"))
    }

    // MARK: Refusing

    @Test("other texts under the same policy_version are refused, naming what differs; nothing is kept")
    func refusedOnStart() async throws {
        let archive = PolicyTextArchive(store: box.store)
        _ = try await archive.keep(box.policy, at: instant(Self.june))
        let changed = try Fixtures.policy(Self.newBody, ("always_active: \"Immer aktiv\"", "always_active: \"Stets aktiv\""))
        let error = await #expect(throws: PolicyTextsError.self) {
            try await archive.keep(changed, at: instant(Self.july))
        }
        guard case let .changed(version, language, _, differences) = try #require(error) else { Issue.record("not changed"); return }
        #expect(version == "2024-03-01" && language == "de")
        #expect(differences == ["texts.body changed", "banner_strings.always_active changed"])
        #expect("\(try #require(error))".contains("set a new `policy_version`"))
        #expect(try await keptRows().count == 2)
        #expect(try await keptRows().map { $0["texts_hash"] as Data } == [box.policy.textsHash(language: "de"), box.policy.textsHash(language: "en")])
    }

    @Test("a purpose's changed title or a changed service is named")
    func purposeDifferences() throws {
        let changed = try Fixtures.policy(
            ("de: \"Externe Medien\"", "de: \"Medien Dritter\""),
            ("privacy_url: \"https://policies.google.com/privacy\"", "privacy_url: \"https://policies.google.com/privacy?hl=de\""))
        let differences = changed.texts(language: "de").differences(from: box.policy.texts(language: "de"))
        #expect(differences == ["purposes.external_media.title changed", "purposes.external_media.services changed"])
        #expect(changed.texts(language: "en").differences(from: box.policy.texts(language: "en")) == ["purposes.external_media.services changed"])
    }

    @Test("a DPO's revocation under changed texts of the same version is refused and records nothing")
    func revocationRefused() async throws {
        let given = try await box.record(.acceptAll, at: Self.june)
        let changed = try Fixtures.policy(Self.newBody)
        let error = await #expect(throws: PolicyTextsError.self) {
            try await box.ledger(at: Self.july, policy: changed).withdraw(
                ConsentID(given.consentID)!, provenance: .none, source: .dpo, audit: AuditNote(action: "consent.revoke", subject: nil))
        }
        guard case .changed = try #require(error) else { Issue.record("not changed"); return }
        #expect(try await box.count("SELECT COUNT(*) FROM consent_ledger") == 1)
        #expect(try await box.count("SELECT COUNT(*) FROM audit_log") == 0)
        // Under a new version the same revocation is recorded, with its texts kept.
        let newer = try Fixtures.policy(Self.newBody, ("policy_version: \"2024-03-01\"", "policy_version: \"2024-09-01\""))
        let revoked = try await box.ledger(at: Self.july, policy: newer).withdraw(ConsentID(given.consentID)!, provenance: .none, source: .dpo)
        #expect(revoked.receipt.textsHash == Digest.hex([UInt8](newer.textsHash(language: "de"))))
        #expect(try await box.count("SELECT COUNT(*) FROM policy_texts WHERE policy_version = '2024-09-01'") == 1)
    }

    // MARK: The policy's banner_strings

    @Test("banner_strings: a key left out takes the default; an unknown key or language is an error")
    func parsing() throws {
        let partial = try Fixtures.policy(("      always_active: \"Immer aktiv\"\n", ""))
        #expect(partial.bannerStrings(language: "de")["always_active"] == "Immer aktiv")
        #expect(partial.textsHash(language: "de") == box.policy.textsHash(language: "de"))
        let own = try Fixtures.policy(("always_active: \"Immer aktiv\"", "always_active: \"Stets aktiv\""))
        #expect(own.bannerStrings(language: "de")["always_active"] == "Stets aktiv")

        let typo = #expect(throws: PolicyError.self) {
            try Fixtures.policy(("      always_active: \"Immer aktiv\"", "      allways_active: \"Immer aktiv\""))
        }
        #expect(typo?.issues.map(\.rule) == ["unknown-key"])
        let language = #expect(throws: PolicyError.self) {
            try Fixtures.policy(("  banner_strings:\n", "  banner_strings:\n    fr:\n      close: \"Fermer\"\n"))
        }
        #expect(language?.issues.map(\.rule) == ["unknown-language"])
    }

    @Test("through the group committer, kept texts are looked up until a committed transaction has found them, then no more")
    func lookedUpOnceKnown() async throws {
        let writer = GroupCommitter(pool: box.store.pool)
        let ledger = box.ledger(at: Self.june, writer: writer)
        let lookups = Mutex(0)
        try await box.store.pool.writeWithoutTransaction { db in
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event, statement.sql.hasPrefix("SELECT 1 FROM policy_texts") {
                    lookups.withLock { $0 += 1 }
                }
            }
        }
        for _ in 0..<5 {
            _ = try await ledger.record(ConsentChoice(policyVersion: box.policy.version, purposes: [:], method: .rejectAll,
                                                      language: "de"), provenance: .none)
        }
        // The first append keeps the texts (looked up, not found); the second finds them kept by an
        // earlier, committed transaction; the other three do not look.
        #expect(lookups.withLock { $0 } == 2)
        #expect(try await keptRows().map { $0["language"] as String } == ["de"])
    }

    @Test("texts kept by a transaction that is rolled back are kept again by the next, not remembered")
    func notRememberedFromARollback() async throws {
        struct RolledBack: Error {}
        let carry = GroupCommitter.Carry()
        let snapshot = TextsSnapshot(box.policy.texts(language: "de"))
        await #expect(throws: RolledBack.self) {
            try await box.store.pool.write { db in
                carry.transactionBegins()
                #expect(try PolicyTextArchive.keep(snapshot, at: 1, db, carry: carry))
                // Found now, but only because this transaction wrote it.
                #expect(try !PolicyTextArchive.keep(snapshot, at: 1, db, carry: carry))
                throw RolledBack()
            }
        }
        #expect(carry.keptTexts.isEmpty)
        #expect(try await keptRows().isEmpty)
        let keptAgain = try await box.store.pool.write { db in
            carry.transactionBegins()
            return try PolicyTextArchive.keep(snapshot, at: 2, db, carry: carry)
        }
        #expect(keptAgain)
        #expect(carry.keptTexts.isEmpty)
        let keptThird = try await box.store.pool.write { db in
            carry.transactionBegins()
            return try PolicyTextArchive.keep(snapshot, at: 3, db, carry: carry)
        }
        #expect(!keptThird)
        #expect(carry.keptTexts == [snapshot.hash])
        #expect(try await keptRows().map { $0["kept_at"] as Int64 } == [2])
    }
}
