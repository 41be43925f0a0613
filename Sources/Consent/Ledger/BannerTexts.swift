import Foundation
import Vault

extension Policy {
    /// The `texts_hash` every new ledger entry records: BLAKE2b-256 of the canonical `texts-v2`
    /// document of ``texts(language:)`` (see ``TextsSnapshot`` and `docs/texts.md`), which the
    /// database keeps (``PolicyTextArchive``).
    public func textsHash(language: String) -> Data {
        TextsSnapshot(texts(language: language)).hash
    }

    /// The `texts-v1` hash that entries recorded before the texts were kept carry: BLAKE2b-256 over
    /// lines of the banner texts, purposes and services (not the banner script's strings). Kept only
    /// so that such an entry can be checked against an old policy file (see `docs/texts.md`).
    func textsHashV1(language: String) -> Data {
        let lang = textLanguage(language)
        var lines = ["texts-v1", version, lang]
        let texts = consent.texts[lang] ?? [:]
        for key in texts.keys.sorted() { lines.append("text:\(key)=\(texts[key]!)") }
        for p in consent.purposes {
            lines.append("purpose:\(p.id)|\(p.required)|\(p.legalBasis)|\(p.title.text(lang))|\(p.description.text(lang))")
            for s in p.services {
                lines.append("service:\(s.id)|\(s.title.text(lang))|\(s.provider)|\(s.privacyURL)")
            }
        }
        return Data(Digest.blake2b(lines.joined(separator: "\n")))
    }
}
