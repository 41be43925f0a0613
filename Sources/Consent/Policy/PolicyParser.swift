import Foundation
import Vault
import Yams

/// One thing wrong with a policy file: where, which rule, what.
public struct PolicyIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The rule broken, a short stable name: `unknown-key`, `missing-key`, `bad-date`, `bad-duration`,
    /// `unknown-purpose`, `missing-data-kind`, …
    public var rule: String
    public var message: String

    public var description: String { "\(file):\(line):\(column): error [\(rule)]: \(message)" }
}

/// The policy file could not be read or breaks rules.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public var issues: [PolicyIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Reads a policy from YAML, collecting every issue (with file, line and rule) rather than stopping at the first.
public struct PolicyParser {
    let file: String
    private var issues: [PolicyIssue] = []

    public init(file: String) { self.file = file }

    /// Loads and validates the policy at `path`.
    public static func load(path: String) throws(PolicyError) -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(issues: [PolicyIssue(file: path, line: 0, column: 0, rule: "unreadable",
                                                   message: "cannot read the policy file (does it exist?)")])
        }
        var parser = PolicyParser(file: path)
        return try parser.parse(String(decoding: data, as: UTF8.self), sourceHash: Digest.hex(Digest.blake2b([UInt8](data))))
    }

    public mutating func parse(_ yaml: String, sourceHash: String? = nil) throws(PolicyError) -> Policy {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw PolicyError(issues: [PolicyIssue(file: file, line: 1, column: 1, rule: "empty", message: "the policy file is empty")])
            }
            root = node
        } catch let error as PolicyError {
            throw error
        } catch let error as YamlError {
            throw PolicyError(issues: [syntaxIssue(error, yaml: yaml)])
        } catch {
            throw PolicyError(issues: [PolicyIssue(file: file, line: 1, column: 1, rule: "yaml-syntax", message: "\(error)")])
        }
        let policy = build(root, sourceHash: sourceHash ?? Digest.hex(Digest.blake2b(yaml)))
        if !issues.isEmpty || policy == nil {
            throw PolicyError(issues: issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return policy!
    }

    private func syntaxIssue(_ error: YamlError, yaml: String) -> PolicyIssue {
        var line = 1, column = 1
        var message = "not valid YAML: \(error)"
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            line = mark.line; column = mark.column
            message = "not valid YAML: \(problem)"
        case .reader(let problem, let offset, _, _):
            if let offset { (line, column) = Self.position(ofCharacter: offset, in: yaml) }
            message = "not valid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.sorted().first ?? ""
            line = Self.secondOccurrence(ofKey: key, in: yaml) ?? context.mark.line
            message = "key '\(key)' appears twice in one mapping"
            return PolicyIssue(file: file, line: line, column: column, rule: "duplicate-key", message: message)
        default:
            break
        }
        return PolicyIssue(file: file, line: line, column: column, rule: "yaml-syntax", message: message)
    }

    /// Line and column (1-based) of the character at `offset`.
    static func position(ofCharacter offset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1
        for (i, c) in text.enumerated() {
            if i >= offset { break }
            if c == "\n" || c == "\r\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    /// The line where `key:` appears for the second time (the duplicate).
    static func secondOccurrence(ofKey key: String, in text: String) -> Int? {
        var seen = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("- ") { line = line.dropFirst(2).drop { $0 == " " } }
            let unquoted = line.hasPrefix("\"") ? line.dropFirst() : line
            if unquoted.hasPrefix(key), unquoted.dropFirst(key.count).drop(while: { $0 == "\"" || $0 == " " }).hasPrefix(":") {
                seen += 1
                if seen == 2 { return i + 1 }
            }
        }
        return nil
    }

    // MARK: Building

    private mutating func build(_ root: Node, sourceHash: String) -> Policy? {
        guard let top = mapping(root, "the policy", keys: [
            "format", "policy_version", "controller", "time_zone", "programme", "consent",
            "contact_requests", "retention", "erasure", "archive", "wind_down",
        ]) else { return nil }
        let format = int(top, "format", min: 1) ?? 1
        if format != 1 { report(top["format"]!, "unsupported-format", "format \(format) is not known; this engine reads format 1") }
        let version = string(top, "policy_version")
        let controller = top["controller"].flatMap { buildController($0) }
        var timeZone: TimeZone?
        if let tzNode = required(top, "time_zone"), let name = scalar(tzNode, "time_zone") {
            timeZone = TimeZone(identifier: name)
            if timeZone == nil { report(tzNode, "bad-time-zone", "'\(name)' is not an IANA time zone (e.g. Europe/Berlin)") }
        }
        let programme = required(top, "programme").flatMap { buildProgramme($0) }
        let consent = required(top, "consent").flatMap { buildConsent($0) }
        let contacts = required(top, "contact_requests").flatMap { buildContacts($0) }
        let retention = required(top, "retention").flatMap { buildRetention($0, purposes: consent?.purposes ?? []) } ?? []
        var erasure = ErasureSettings(consentRecords: .delete)
        if let node = top["erasure"], let m = mapping(node, "erasure", keys: ["consent_records"]),
           let a = enumValue(m, "consent_records", RetentionAction.self) {
            erasure.consentRecords = a
        }
        var archive = ArchiveSettings(offerBeforePurge: false, archive: nil)
        if let node = top["archive"], let m = mapping(node, "archive", keys: ["offer_before_purge", "archive", "offer", "appraisal", "appraisal_reference"]) {
            archive.offerBeforePurge = bool(m, "offer_before_purge") ?? false
            archive.archive = m["archive"].flatMap { scalar($0, "archive") }
            if let offer = m["offer"] { archive.offered = archiveOffer(offer) }
            if m["appraisal"] != nil { archive.appraisal = enumValue(m, "appraisal", ArchiveDecision.self) }
            archive.appraisalReference = optionalString(m, "appraisal_reference")
            if archive.appraisal != nil, archive.appraisalReference == nil {
                report(m["appraisal"]!, "missing-key", "a blanket appraisal decision needs its 'appraisal_reference' (the archive's file number)")
            }
        }
        var windDown = WindDownSettings()
        if let node = top["wind_down"], let m = mapping(node, "wind_down", keys: ["grace", "records_kept"]) {
            if let g = m["grace"] { windDown.grace = duration(g, "grace") ?? windDown.grace }
            windDown.recordsKept = m["records_kept"].flatMap { duration($0, "records_kept") }
        }
        guard let version, let controller, let timeZone, let programme, let consent, let contacts else { return nil }
        var policy = Policy(format: format, version: version, controller: controller, timeZone: timeZone,
                            programme: programme, consent: consent, contactRequests: contacts, retention: retention,
                            erasure: erasure, archive: archive, sourceHash: sourceHash)
        policy.windDown = windDown
        return policy
    }

    private mutating func buildController(_ node: Node) -> Controller? {
        guard let m = mapping(node, "controller", keys: ["name", "address", "email", "phone", "supervisory_authority"]) else { return nil }
        guard let name = string(m, "name"), let address = string(m, "address"),
              let authority = string(m, "supervisory_authority") else { return nil }
        return Controller(name: name, address: address, email: optionalString(m, "email"),
                          phone: optionalString(m, "phone"), supervisoryAuthority: authority)
    }

    private mutating func buildProgramme(_ node: Node) -> Programme? {
        guard let m = mapping(node, "programme", keys: ["name", "start_date", "end_date"]) else { return nil }
        let name = string(m, "name")
        let start = m["start_date"].flatMap { date($0, "start_date") }
        let end = required(m, "end_date").flatMap { date($0, "end_date") }
        guard let name, let end else { return nil }
        return Programme(name: name, startDate: start, endDate: end)
    }

    private mutating func buildConsent(_ node: Node) -> ConsentSettings? {
        guard let m = mapping(node, "consent", keys: ["valid_days", "purposes", "texts", "collect_until"]) else { return nil }
        let validDays = int(m, "valid_days", min: 1)
        var purposes: [Purpose] = []
        var seen = Set<String>()
        var seenServices = Set<String>()
        if let list = required(m, "purposes").flatMap({ sequence($0, "purposes") }) {
            for item in list {
                guard let p = buildPurpose(item) else { continue }
                if !seen.insert(p.id).inserted { report(item, "duplicate-id", "purpose '\(p.id)' is defined twice") }
                for s in p.services where !seenServices.insert(s.id).inserted {
                    report(item, "duplicate-id", "service '\(s.id)' is defined twice")
                }
                purposes.append(p)
            }
            if !purposes.contains(where: { $0.id == "necessary" && $0.required }) {
                report(m["purposes"]!, "missing-necessary", "a purpose 'necessary' with required: true must exist")
            }
        }
        var texts: [String: [String: String]] = [:]
        if let textsNode = required(m, "texts"), let byLanguage = mapping(textsNode, "texts", keys: nil) {
            for (lang, value) in byLanguage {
                guard let entries = mapping(value, "texts.\(lang)", keys: nil) else { continue }
                var dict: [String: String] = [:]
                for (ks, v) in entries { if let vs = scalar(v, "texts.\(lang).\(ks)") { dict[ks] = vs } }
                texts[lang] = dict
            }
            if texts["de"] == nil { report(textsNode, "missing-key", "texts need at least German ('de')") }
        }
        guard let validDays else { return nil }
        var settings = ConsentSettings(validDays: validDays, purposes: purposes, texts: texts)
        settings.collectUntil = m["collect_until"].flatMap { date($0, "collect_until") }
        return settings
    }

    private mutating func buildPurpose(_ node: Node) -> Purpose? {
        guard let m = mapping(node, "purpose", keys: ["id", "required", "legal_basis", "title", "description", "services"]) else { return nil }
        let id = identifier(m, "id")
        let required = bool(m, "required") ?? false
        let basis = string(m, "legal_basis")
        let title = localized(m, "title")
        let description = localized(m, "description")
        var services: [Service] = []
        if let list = m["services"].flatMap({ sequence($0, "services") }) {
            for item in list {
                guard let sm = mapping(item, "service", keys: ["id", "title", "provider", "privacy_url"]) else { continue }
                if let sid = identifier(sm, "id"), let st = localized(sm, "title"),
                   let provider = string(sm, "provider"), let url = string(sm, "privacy_url") {
                    if !url.hasPrefix("https://") { report(sm["privacy_url"]!, "bad-url", "privacy_url must be an https:// address") }
                    services.append(Service(id: sid, title: st, provider: provider, privacyURL: url))
                }
            }
        }
        if required && !services.isEmpty { report(node, "required-with-services", "a required purpose cannot hold third-party services") }
        guard let id, let basis, let title, let description else { return nil }
        return Purpose(id: id, required: required, legalBasis: basis, title: title, description: description, services: services)
    }

    private mutating func buildContacts(_ node: Node) -> ContactRequestSettings? {
        guard let m = mapping(node, "contact_requests", keys: ["purpose", "legal_basis", "categories", "recipients", "source"]) else { return nil }
        let purpose = string(m, "purpose"), basis = string(m, "legal_basis"), source = string(m, "source")
        let categories = stringList(m, "categories"), recipients = stringList(m, "recipients")
        guard let purpose, let basis, let source, let categories, let recipients else { return nil }
        return ContactRequestSettings(purpose: purpose, legalBasis: basis, categories: categories, recipients: recipients, source: source)
    }

    private mutating func buildRetention(_ node: Node, purposes: [Purpose]) -> [RetentionRule]? {
        guard let list = sequence(node, "retention") else { return nil }
        var rules: [RetentionRule] = []
        var ids = Set<String>()
        for item in list {
            guard let m = mapping(item, "retention rule", keys: ["id", "data", "starts", "after", "action", "holds", "purposes", "only"]) else { continue }
            let line = (item.mark?.line ?? 0)
            guard m["data"] != nil else {
                report(item, "missing-data-kind", "retention rule has no 'data' (one of \(DataKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            let id = identifier(m, "id")
            let data = enumValue(m, "data", DataKind.self)
            let starts = enumValue(m, "starts", RetentionEvent.self)
            let action = enumValue(m, "action", RetentionAction.self)
            var after: ISODuration?
            if let afterNode = required(m, "after"), let text = scalar(afterNode, "after") {
                after = ISODuration(text)
                if after == nil { report(afterNode, "bad-duration", "'\(text)' is not an ISO-8601 duration (e.g. P6M, P3Y, P30D, PT12H)") }
            }
            var holds: [HoldKind] = []
            if let holdNode = m["holds"], let names = sequence(holdNode, "holds") {
                for h in names {
                    guard let name = scalar(h, "holds") else { continue }
                    if let kind = HoldKind(rawValue: name) { holds.append(kind) } else {
                        report(h, "unknown-hold", "unknown hold '\(name)'; known: \(HoldKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                }
            }
            if let pNode = m["purposes"], let names = sequence(pNode, "purposes") {
                for p in names {
                    guard let name = scalar(p, "purposes") else { continue }
                    if !purposes.contains(where: { $0.id == name }) {
                        report(p, "unknown-purpose", "retention rule names purpose '\(name)', which the consent section does not define")
                    }
                }
            }
            if let id, !ids.insert(id).inserted { report(m["id"]!, "duplicate-id", "retention rule '\(id)' is defined twice") }
            if let data, let starts {
                let allowed: [RetentionEvent] = switch data {
                case .contactRequests: [.received, .programmeEnd]
                case .consentRecords: [.received, .withdrawn, .expired, .programmeEnd]
                case .auditEntries: [.received]
                }
                if !allowed.contains(starts) {
                    report(m["starts"]!, "bad-event", "\(data.rawValue) cannot start a clock at '\(starts.rawValue)'; use one of \(allowed.map(\.rawValue).joined(separator: ", "))")
                }
                if data == .auditEntries, action == .anonymise {
                    report(m["action"]!, "bad-action", "audit entries hold no personal data; their only action is delete")
                }
            }
            var only: RecordFilter?
            if m["only"] != nil {
                only = enumValue(m, "only", RecordFilter.self)
                if only != nil, data != nil, data != .consentRecords {
                    report(m["only"]!, "bad-filter", "'only: refusals' applies to consent_records only")
                }
            }
            guard let id, let data, let starts, let after, let action else { continue }
            var rule = RetentionRule(id: id, data: data, starts: starts, after: after, action: action, holds: holds, line: line)
            rule.only = only
            rules.append(rule)
        }
        for kind in DataKind.allCases where !rules.contains(where: { $0.data == kind }) {
            report(node, "missing-rule", "no retention rule for \(kind.rawValue): every kind of data the engine keeps needs one")
        }
        return rules
    }

    // MARK: Node helpers (each reports what is wrong and returns nil)

    private mutating func report(_ node: Node, _ rule: String, _ message: String) {
        issues.append(PolicyIssue(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, rule: rule, message: message))
    }

    private mutating func mapping(_ node: Node, _ what: String, keys: Set<String>?) -> [String: Node]? {
        guard case .mapping(let m) = node else {
            report(node, "type", "\(what) must be a mapping (key: value)")
            return nil
        }
        var result: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.string else { report(k, "type", "keys must be plain strings"); continue }
            if let keys, !keys.contains(key) {
                report(k, "unknown-key", "unknown key '\(key)' in \(what); known: \(keys.sorted().joined(separator: ", "))")
                continue
            }
            if result[key] != nil { report(k, "duplicate-key", "key '\(key)' appears twice in \(what)") }
            result[key] = v
        }
        return result
    }

    private mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            report(node, "type", "\(what) must be a list")
            return nil
        }
        return Array(s)
    }

    private mutating func scalar(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node else {
            report(node, "type", "\(what) must be a single value")
            return nil
        }
        return s.string
    }

    private mutating func required(_ m: [String: Node], _ key: String) -> Node? {
        // The mapping's own mark is not at hand here; missing keys are reported at the line of the
        // first key of the mapping.
        if let v = m[key] { return v }
        let anchor = m.values.min { ($0.mark?.line ?? 0) < ($1.mark?.line ?? 0) }
        issues.append(PolicyIssue(file: file, line: anchor?.mark?.line ?? 1, column: anchor?.mark?.column ?? 1,
                                  rule: "missing-key", message: "required key '\(key)' is missing"))
        return nil
    }

    private mutating func string(_ m: [String: Node], _ key: String) -> String? {
        guard let node = required(m, key), let s = scalar(node, key) else { return nil }
        if s.isEmpty { report(node, "empty", "'\(key)' must not be empty"); return nil }
        return s
    }

    private mutating func optionalString(_ m: [String: Node], _ key: String) -> String? {
        m[key].flatMap { scalar($0, key) }
    }

    private mutating func identifier(_ m: [String: Node], _ key: String) -> String? {
        guard let s = string(m, key) else { return nil }
        let ok = s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
        if !ok { report(m[key]!, "bad-id", "'\(s)' must be lower-case letters, digits, '_' or '-'"); return nil }
        return s
    }

    private mutating func int(_ m: [String: Node], _ key: String, min: Int) -> Int? {
        guard let node = required(m, key), let s = scalar(node, key) else { return nil }
        guard let n = Int(s), n >= min else { report(node, "bad-number", "'\(key)' must be a whole number ≥ \(min), not '\(s)'"); return nil }
        return n
    }

    private mutating func bool(_ m: [String: Node], _ key: String) -> Bool? {
        guard let node = m[key], let s = scalar(node, key) else { return nil }
        switch s { case "true": return true; case "false": return false
        default: report(node, "type", "'\(key)' must be true or false, not '\(s)'"); return nil }
    }

    private mutating func stringList(_ m: [String: Node], _ key: String) -> [String]? {
        guard let node = required(m, key), let list = sequence(node, key) else { return nil }
        return list.compactMap { scalar($0, key) }
    }

    private mutating func localized(_ m: [String: Node], _ key: String) -> LocalizedText? {
        guard let node = required(m, key), let map = mapping(node, key, keys: nil) else { return nil }
        var values: [String: String] = [:]
        for (lang, v) in map { if let s = scalar(v, "\(key).\(lang)") { values[lang] = s } }
        if values["de"] == nil { report(node, "missing-key", "'\(key)' needs a German text ('de')") }
        return LocalizedText(values: values)
    }

    private mutating func enumValue<E: RawRepresentable & CaseIterable>(_ m: [String: Node], _ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let node = required(m, key), let s = scalar(node, key) else { return nil }
        guard let v = E(rawValue: s) else {
            report(node, "bad-value", "'\(s)' is not a valid \(key); use one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return v
    }

    /// `offer: true` (every kind), `false`, or a list of data kinds.
    private mutating func archiveOffer(_ node: Node) -> [DataKind] {
        if case .scalar(let s) = node {
            switch s.string {
            case "true": return DataKind.allCases
            case "false": return []
            default:
                report(node, "bad-value", "'offer' must be true, false or a list of \(DataKind.allCases.map(\.rawValue).joined(separator: ", "))")
                return []
            }
        }
        guard let list = sequence(node, "offer") else { return [] }
        var kinds: [DataKind] = []
        for item in list {
            guard let name = scalar(item, "offer") else { continue }
            if let kind = DataKind(rawValue: name) { kinds.append(kind) } else {
                report(item, "bad-value", "'\(name)' is not a kind of data; use one of \(DataKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return kinds
    }

    private mutating func duration(_ node: Node, _ key: String) -> ISODuration? {
        guard let text = scalar(node, key) else { return nil }
        guard let d = ISODuration(text) else {
            report(node, "bad-duration", "'\(text)' is not an ISO-8601 duration (e.g. P1M, P10Y)")
            return nil
        }
        return d
    }

    private mutating func date(_ node: Node, _ key: String) -> DateComponents? {
        guard let s = scalar(node, key) else { return nil }
        let parts = s.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let mo = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(mo), (1...31).contains(d) else {
            report(node, "bad-date", "'\(s)' is not a date; write YYYY-MM-DD (e.g. 2024-12-31)")
            return nil
        }
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        let comps = DateComponents(year: y, month: mo, day: d)
        guard let dt = c.date(from: comps), c.dateComponents([.year, .month, .day], from: dt) == DateComponents(year: y, month: mo, day: d) else {
            report(node, "bad-date", "'\(s)' is not a day of the calendar")
            return nil
        }
        return comps
    }
}
