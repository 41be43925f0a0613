import Foundation
import Yams

// Building the legal model of a policy (format 2): the DPO, processors, one basis per purpose,
// recipients, transfers, joint controllers and the reasons of retention rules.
extension PolicyParser {
    /// Keys a purpose (and the contact form's section) may carry to describe its processing.
    static let disclosureKeys: Set<String> = ["recipients", "third_country_transfers", "joint_controllers", "data", "subjects", "provision"]

    mutating func buildDPO(_ node: Node?, anchor: Node) -> DataProtectionOfficer? {
        guard let node else {
            if format >= 2 {
                report(anchor, "missing-dpo", "a policy of format 2 names the data protection officer: dpo: {name, address, email} (Art. 13(1)(b))")
            }
            return nil
        }
        guard let m = mapping(node, "dpo", keys: ["name", "address", "email", "phone"]) else { return nil }
        guard let name = string(m, "name"), let address = string(m, "address"), let email = string(m, "email") else { return nil }
        return DataProtectionOfficer(name: name, address: address, email: email, phone: optionalString(m, "phone"))
    }

    mutating func buildProcessors(_ node: Node) -> [Processor] {
        guard let list = sequence(node, "processors") else { return [] }
        return list.compactMap { item in
            guard let m = mapping(item, "processor", keys: ["name", "address", "role"]) else { return nil }
            let name = string(m, "name"), address = string(m, "address"), role = textOrLocalized(m, "role")
            guard let name, let address, let role else { return nil }
            return Processor(name: name, address: address, role: role)
        }
    }

    mutating func buildDisclosure(_ m: [String: Node]) -> Disclosure {
        var d = Disclosure()
        if let node = m["recipients"], let list = sequence(node, "recipients") {
            d.recipients = list.compactMap { localizedValue($0, "recipients") }
        }
        if let node = m["third_country_transfers"], let list = sequence(node, "third_country_transfers") {
            for item in list {
                guard let t = mapping(item, "third-country transfer", keys: ["country", "safeguard"]) else { continue }
                if let country = string(t, "country"), let safeguard = textOrLocalized(t, "safeguard") {
                    d.transfers.append(ThirdCountryTransfer(country: country, safeguard: safeguard))
                }
            }
        }
        if let node = m["joint_controllers"], let list = sequence(node, "joint_controllers") {
            for item in list {
                guard let j = mapping(item, "joint controller", keys: ["name", "address", "scope"]) else { continue }
                if let name = string(j, "name"), let address = string(j, "address"), let scope = textOrLocalized(j, "scope") {
                    d.jointControllers.append(JointController(name: name, address: address, scope: scope))
                }
            }
        }
        d.data = m["data"] != nil ? textOrLocalized(m, "data") : nil
        d.subjects = m["subjects"] != nil ? textOrLocalized(m, "subjects") : nil
        d.provision = m["provision"] != nil ? textOrLocalized(m, "provision") : nil
        return d
    }

    /// `legal_basis`: a mapping `{basis: 6.1.e, law: …, interest: …, text: {de, en}}`, or (format 1)
    /// a citation naming exactly one letter of Art. 6(1).
    mutating func legalBasis(_ m: [String: Node], owner: Node) -> LegalBasis? {
        guard let node = m["legal_basis"] else {
            report(owner, "missing-legal-basis", "every purpose needs exactly one legal_basis (one of \(LegalBasisCode.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        if case .scalar(let scalar) = node {
            let text = scalar.string
            if let code = LegalBasisCode(rawValue: text) {
                return checkedBasis(LegalBasis(code: code, text: LocalizedText(values: [:])), node: node)
            }
            let letters = LegalBasis.letters(in: text)
            guard let first = letters.first else {
                report(node, "unknown-legal-basis", "'\(text)' names no basis of Art. 6(1); write basis: one of \(LegalBasisCode.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            if letters.count > 1 && format >= 2 {
                report(node, "several-legal-bases", "'\(text)' names \(letters.map(\.rawValue).joined(separator: " and ")): a purpose rests on exactly one basis; split the purpose or choose one")
                return nil
            }
            var law: String?
            if let range = text.range(of: "i. V. m. ") ?? text.range(of: "i.V.m. ") {
                law = String(text[range.upperBound...].prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
            }
            return checkedBasis(LegalBasis(code: first, law: law, text: LocalizedText(values: ["de": text])), node: node)
        }
        guard let b = mapping(node, "legal_basis", keys: ["basis", "law", "interest", "text"]) else { return nil }
        guard let code = enumValue(b, "basis", LegalBasisCode.self) else { return nil }
        let lawText = b["law"] != nil ? textOrLocalized(b, "law") : nil
        let law = lawText?.text("de")
        let interest = b["interest"] != nil ? textOrLocalized(b, "interest") : nil
        let text = b["text"] != nil || format >= 2 ? textOrLocalized(b, "text") : nil
        var basis = LegalBasis(code: code, law: law, interest: interest, text: text ?? LocalizedText(values: [:]))
        basis.lawText = lawText
        return checkedBasis(basis, node: node)
    }

    mutating func retentionReason(_ m: [String: Node], rule: Node) -> LocalizedText? {
        guard m["reason"] != nil else {
            if format >= 2 {
                report(rule, "retention-without-reason", "every retention rule states why the data is kept this long: reason: {de: …, en: …} (Art. 5(1)(e))")
            }
            return nil
        }
        return textOrLocalized(m, "reason")
    }

    /// A value that is either one string (German) or `{de: …, en: …}`.
    mutating func textOrLocalized(_ m: [String: Node], _ key: String) -> LocalizedText? {
        guard let node = required(m, key) else { return nil }
        return localizedValue(node, key)
    }

    mutating func localizedValue(_ node: Node, _ key: String) -> LocalizedText? {
        if case .scalar(let s) = node {
            if s.string.isEmpty { report(node, "empty", "'\(key)' must not be empty"); return nil }
            return LocalizedText(values: ["de": s.string])
        }
        guard let map = mapping(node, key, keys: nil) else { return nil }
        var values: [String: String] = [:]
        for (lang, v) in map { if let s = scalar(v, "\(key).\(lang)") { values[lang] = s } }
        if values["de"] == nil { report(node, "missing-key", "'\(key)' needs a German text ('de')") }
        return LocalizedText(values: values)
    }
}
