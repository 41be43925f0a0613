import Foundation

/// The lawful bases of Art. 6(1) GDPR this engine can state: a closed list, so that the rights a
/// person has (Art. 17(3), 20, 21, 7(3)) follow from the basis instead of being written by hand.
public enum LegalBasisCode: String, Sendable, CaseIterable, Codable {
    /// Consent (Art. 6(1)(a)); for storing on or reading from a device also § 25(1) TDDDG.
    case consent = "6.1.a"
    /// Performance of a contract with the person or steps before one (Art. 6(1)(b)).
    case contract = "6.1.b"
    /// A legal obligation of the controller (Art. 6(1)(c)); needs the law (Art. 6(3)).
    case legalObligation = "6.1.c"
    /// A task in the public interest or official authority (Art. 6(1)(e)); needs the law that assigns the task (Art. 6(3)).
    case publicTask = "6.1.e"
    /// Legitimate interests (Art. 6(1)(f)); not for public authorities performing their tasks (Art. 6(1) subpara. 2).
    case legitimateInterest = "6.1.f"

    /// The letter of Art. 6(1): a, b, c, e, f.
    public var letter: String { String(rawValue.suffix(1)) }

    /// Whether the basis needs a law beside the GDPR (Art. 6(3)).
    public var needsLaw: Bool { self == .legalObligation || self == .publicTask }
}

/// What a person may ask of the controller (Art. 15–21, 7(3)).
public enum DataSubjectRight: String, Sendable, CaseIterable, Codable {
    case access, rectification, erasure, restriction, portability, objection, withdrawal

    /// The article of the GDPR that grants it.
    public var article: String {
        switch self {
        case .access: "15"
        case .rectification: "16"
        case .erasure: "17"
        case .restriction: "18"
        case .portability: "20"
        case .objection: "21"
        case .withdrawal: "7(3)"
        }
    }
}

/// One purpose's lawful basis: exactly one code, the law or interest it rests on, and its text.
public struct LegalBasis: Sendable, Equatable {
    public var code: LegalBasisCode
    /// For (c) the law that obliges, for (e) the law that assigns the task; may name further norms
    /// (e.g. § 25(2) TDDDG for storing the consent cookie).
    public var law: String?
    /// The law per language, when the policy gives it as `{de, en}` (`law` is then the German text).
    public var lawText: LocalizedText? = nil
    /// For (f): the legitimate interest pursued (Art. 13(1)(d)).
    public var interest: LocalizedText?
    /// How the notice states the basis, per language.
    public var text: LocalizedText

    public init(code: LegalBasisCode, law: String? = nil, interest: LocalizedText? = nil, text: LocalizedText) {
        self.code = code
        self.law = law
        self.interest = interest
        self.text = text
    }

    /// The rights that apply under this basis: access, rectification, erasure and restriction always;
    /// portability only for (a) and (b) (Art. 20(1)(a)); objection only for (e) and (f) (Art. 21(1));
    /// withdrawal only for (a) (Art. 7(3)).
    public var rights: [DataSubjectRight] {
        var rights: [DataSubjectRight] = [.access, .rectification, .erasure, .restriction]
        if code == .consent || code == .contract { rights.append(.portability) }
        if code == .publicTask || code == .legitimateInterest { rights.append(.objection) }
        if code == .consent { rights.append(.withdrawal) }
        return rights
    }

    /// The citation, e.g. "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 16 ThürDSG" / "Art. 6(1)(e) GDPR with § 16 ThürDSG".
    public func citation(_ language: String) -> String {
        let article = language == "de" ? "Art. 6 Abs. 1 lit. \(code.letter) DSGVO" : "Art. 6(1)(\(code.letter)) GDPR"
        guard let law = lawText?.text(language) ?? law, !law.isEmpty else { return article }
        return article + (language == "de" ? " i. V. m. " : " with ") + law
    }

    /// The citation followed by the policy's text, as the banner and the export show it.
    public func summary(_ language: String) -> String {
        let text = self.text.text(language)
        if text.isEmpty { return citation(language) }
        // A format-1 citation is its own text.
        if text.contains("Art. 6") { return text }
        return "\(citation(language)): \(text)"
    }

    /// Infers the one basis a format-1 citation names ("… Art. 6 Abs. 1 lit. f DSGVO"): every letter
    /// found, in order, so the caller can refuse a citation that stacks several.
    static func letters(in citation: String) -> [LegalBasisCode] {
        var found: [LegalBasisCode] = []
        let patterns = [#"lit\.\s*([abcdef])\b"#, #"6\s*\(1\)\s*\(([abcdef])\)"#, #"6\.1\.([abcdef])\b"#]
        for pattern in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
            let range = NSRange(citation.startIndex..., in: citation)
            for match in regex.matches(in: citation, range: range) {
                guard let r = Range(match.range(at: 1), in: citation),
                      let code = LegalBasisCode(rawValue: "6.1." + citation[r]) else { continue }
                if !found.contains(code) { found.append(code) }
            }
        }
        return found
    }
}
