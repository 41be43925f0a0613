import Foundation
import Vault

/// The complete texts a visitor is shown in one language under one policy version: the banner
/// texts, every purpose and service, and the banner script's own strings.
///
/// Its canonical document (``TextsSnapshot``) is what `texts_hash` addresses: every ledger entry
/// records the hash, and the database keeps the document (``PolicyTextArchive``), so that years later
/// the controller can still show what a consent was given to (Art. 7(1) GDPR). The format is
/// `texts-v2`, described byte by byte in `docs/texts.md`.
public struct PolicyTexts: Sendable, Equatable, Codable {
    /// The format of the document; `texts-v1` hashes (before texts were kept) had no document.
    public var format: String
    public var policyVersion: String
    /// The language shown: one the policy has texts for (others fall back to German).
    public var language: String
    /// The banner texts (`consent.texts.<lang>`).
    public var texts: [String: String]
    /// The banner script's own strings (`consent.banner_strings.<lang>`, completed with the defaults).
    public var bannerStrings: [String: String]
    /// In the policy's order.
    public var purposes: [PurposeTexts]

    public static let currentFormat = "texts-v2"

    public struct PurposeTexts: Sendable, Equatable, Codable {
        public var id: String
        public var required: Bool
        public var legalBasis: String
        public var title: String
        public var description: String
        public var services: [ServiceTexts]
        enum CodingKeys: String, CodingKey { case id, required, title, description, services, legalBasis = "legal_basis" }
    }

    public struct ServiceTexts: Sendable, Equatable, Codable {
        public var id: String
        public var title: String
        public var provider: String
        public var privacyURL: String
        enum CodingKeys: String, CodingKey { case id, title, provider, privacyURL = "privacy_url" }
    }

    enum CodingKeys: String, CodingKey {
        case format, language, texts, purposes
        case policyVersion = "policy_version", bannerStrings = "banner_strings"
    }

    /// The canonical JSON value (see `docs/texts.md`).
    var canonical: CanonicalJSON {
        func strings(_ d: [String: String]) -> CanonicalJSON { .object(d.mapValues { CanonicalJSON.string($0) }) }
        func service(_ s: ServiceTexts) -> CanonicalJSON {
            .object(["id": .string(s.id), "title": .string(s.title), "provider": .string(s.provider),
                     "privacy_url": .string(s.privacyURL)])
        }
        func purpose(_ p: PurposeTexts) -> CanonicalJSON {
            let members: [String: CanonicalJSON] = [
                "id": .string(p.id), "required": .bool(p.required), "legal_basis": .string(p.legalBasis),
                "title": .string(p.title), "description": .string(p.description),
                "services": .array(p.services.map(service)),
            ]
            return .object(members)
        }
        let members: [String: CanonicalJSON] = [
            "format": .string(format),
            "policy_version": .string(policyVersion),
            "language": .string(language),
            "texts": strings(texts),
            "banner_strings": strings(bannerStrings),
            "purposes": .array(purposes.map(purpose)),
        ]
        return .object(members)
    }

    /// What differs from `other` (the kept texts), as paths such as `texts.body`,
    /// `banner_strings.gpc` or `purposes.external_media.description`, for a message that helps.
    public func differences(from other: PolicyTexts) -> [String] {
        var out: [String] = []
        func compare(_ prefix: String, _ a: [String: String], _ b: [String: String]) {
            for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
                out.append("\(prefix).\(key) " + (b[key] == nil ? "added" : a[key] == nil ? "removed" : "changed"))
            }
        }
        if format != other.format { out.append("format \(other.format) → \(format)") }
        compare("texts", texts, other.texts)
        compare("banner_strings", bannerStrings, other.bannerStrings)
        let mine = Dictionary(purposes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(other.purposes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for p in other.purposes where mine[p.id] == nil { out.append("purposes.\(p.id) removed") }
        for p in purposes {
            guard let q = theirs[p.id] else { out.append("purposes.\(p.id) added"); continue }
            let pairs: [(String, String, String)] = [
                ("required", String(p.required), String(q.required)), ("legal_basis", p.legalBasis, q.legalBasis),
                ("title", p.title, q.title), ("description", p.description, q.description),
            ]
            for (name, a, b) in pairs where a != b { out.append("purposes.\(p.id).\(name) changed") }
            if p.services != q.services { out.append("purposes.\(p.id).services changed") }
        }
        if out.isEmpty && purposes.map(\.id) != other.purposes.map(\.id) { out.append("purposes reordered") }
        return out
    }
}

/// Texts with their canonical document and its hash, worked out once.
public struct TextsSnapshot: Sendable {
    public let texts: PolicyTexts
    /// The canonical document's UTF-8 bytes: what the database keeps and the hash is taken over.
    public let document: Data
    /// BLAKE2b-256 of ``document``: the `texts_hash` of every entry recorded under these texts.
    public let hash: Data

    public init(_ texts: PolicyTexts) {
        self.texts = texts
        let bytes = texts.canonical.bytes
        document = Data(bytes)
        hash = Digest.blake2bData(bytes)
    }

    /// The hash as the receipt and `consent show` print it (lower-case hex).
    public var hashHex: String { Digest.hex([UInt8](hash)) }
}

extension Policy {
    /// The languages the banner can be shown in (those with banner texts), sorted.
    public var textLanguages: [String] { consent.texts.keys.sorted() }

    /// The complete texts shown in `language` (German when the policy has no texts in it).
    public func texts(language: String) -> PolicyTexts {
        let lang = textLanguage(language)
        return PolicyTexts(
            format: PolicyTexts.currentFormat, policyVersion: version, language: lang,
            texts: consent.texts[lang] ?? [:], bannerStrings: bannerStrings(language: lang),
            purposes: consent.purposes.map { p in
                PolicyTexts.PurposeTexts(
                    id: p.id, required: p.required, legalBasis: p.basis.citation(lang), title: p.title.text(lang),
                    description: p.description.text(lang),
                    services: p.services.map {
                        PolicyTexts.ServiceTexts(id: $0.id, title: $0.title.text(lang), provider: $0.provider, privacyURL: $0.privacyURL)
                    })
            })
    }
}
