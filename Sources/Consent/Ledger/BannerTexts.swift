import Foundation
import Vault

extension Policy {
    /// BLAKE2b-256 over exactly what the banner shows in `language` under this policy version:
    /// the banner texts, every purpose's title, description and legal basis, every service's title,
    /// provider and privacy link. Stored with each ledger entry as proof of what the visitor saw.
    public func textsHash(language: String) -> Data {
        let lang = consent.texts[language] != nil ? language : "de"
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
