import Consent
import Foundation

/// `privacyctl consent show ID --texts`: the texts an entry was recorded under, as kept.
enum ConsentTextsOutput {
    static func print(_ id: ConsentID, store: PrivacyDatabase, json: Bool) async throws {
        let kept = try await PolicyTextArchive(store: store).texts(of: id)
        if json { return try Output.json(kept) }
        let t = kept.texts
        Output.table(["field", "value"], [
            ["consent id", kept.consentID],
            ["entry", "#\(kept.sequence) \(kept.method ?? "")"],
            ["recorded at", kept.recordedAt],
            ["policy version", t.policyVersion],
            ["language", t.language],
            ["texts hash", "\(kept.textsHash) (\(t.format))"],
            ["kept since", kept.keptAt],
        ])
        Output.line()
        Output.line("Banner texts")
        for key in t.texts.keys.sorted() { Output.line("  \(key): \(t.texts[key]!)") }
        Output.line()
        Output.line("Banner script strings")
        for key in t.bannerStrings.keys.sorted() { Output.line("  \(key): \(t.bannerStrings[key]!)") }
        Output.line()
        Output.line("Purposes")
        for p in t.purposes {
            Output.line("  \(p.id)\(p.required ? " (required)" : ""): \(p.title)")
            Output.line("    description: \(p.description)")
            Output.line("    legal basis: \(p.legalBasis)")
            for s in p.services {
                Output.line("    service \(s.id): \(s.title); provider: \(s.provider); privacy: \(s.privacyURL)")
            }
        }
    }
}
