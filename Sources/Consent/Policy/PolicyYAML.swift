import Foundation
import Yams

// YAML node access with positions: every helper reports what is wrong (file, line, column, rule)
// and returns nil, so that one pass collects every issue of a file.
extension PolicyParser {
    func syntaxIssue(_ error: YamlError, yaml: String) -> PolicyIssue {
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

    // MARK: Node helpers (each reports what is wrong and returns nil)

    mutating func report(_ node: Node, _ rule: String, _ message: String) {
        issues.append(PolicyIssue(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, rule: rule, message: message))
    }

    mutating func mapping(_ node: Node, _ what: String, keys: Set<String>?) -> [String: Node]? {
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

    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            report(node, "type", "\(what) must be a list")
            return nil
        }
        return Array(s)
    }

    mutating func scalar(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node else {
            report(node, "type", "\(what) must be a single value")
            return nil
        }
        return s.string
    }

    mutating func required(_ m: [String: Node], _ key: String) -> Node? {
        // The mapping's own mark is not at hand here; missing keys are reported at the line of the
        // first key of the mapping.
        if let v = m[key] { return v }
        let anchor = m.values.min { ($0.mark?.line ?? 0) < ($1.mark?.line ?? 0) }
        issues.append(PolicyIssue(file: file, line: anchor?.mark?.line ?? 1, column: anchor?.mark?.column ?? 1,
                                  rule: "missing-key", message: "required key '\(key)' is missing"))
        return nil
    }

    mutating func string(_ m: [String: Node], _ key: String) -> String? {
        guard let node = required(m, key), let s = scalar(node, key) else { return nil }
        if s.isEmpty { report(node, "empty", "'\(key)' must not be empty"); return nil }
        return s
    }

    mutating func optionalString(_ m: [String: Node], _ key: String) -> String? {
        m[key].flatMap { scalar($0, key) }
    }

    mutating func identifier(_ m: [String: Node], _ key: String) -> String? {
        guard let s = string(m, key) else { return nil }
        let ok = s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
        if !ok { report(m[key]!, "bad-id", "'\(s)' must be lower-case letters, digits, '_' or '-'"); return nil }
        return s
    }

    mutating func int(_ m: [String: Node], _ key: String, min: Int) -> Int? {
        guard let node = required(m, key), let s = scalar(node, key) else { return nil }
        guard let n = Int(s), n >= min else { report(node, "bad-number", "'\(key)' must be a whole number ≥ \(min), not '\(s)'"); return nil }
        return n
    }

    mutating func bool(_ m: [String: Node], _ key: String) -> Bool? {
        guard let node = m[key], let s = scalar(node, key) else { return nil }
        switch s { case "true": return true; case "false": return false
        default: report(node, "type", "'\(key)' must be true or false, not '\(s)'"); return nil }
    }

    mutating func stringList(_ m: [String: Node], _ key: String) -> [String]? {
        guard let node = required(m, key), let list = sequence(node, key) else { return nil }
        return list.compactMap { scalar($0, key) }
    }

    mutating func localized(_ m: [String: Node], _ key: String) -> LocalizedText? {
        guard let node = required(m, key), let map = mapping(node, key, keys: nil) else { return nil }
        var values: [String: String] = [:]
        for (lang, v) in map { if let s = scalar(v, "\(key).\(lang)") { values[lang] = s } }
        if values["de"] == nil { report(node, "missing-key", "'\(key)' needs a German text ('de')") }
        return LocalizedText(values: values)
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(_ m: [String: Node], _ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let node = required(m, key), let s = scalar(node, key) else { return nil }
        guard let v = E(rawValue: s) else {
            report(node, "bad-value", "'\(s)' is not a valid \(key); use one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return v
    }

    mutating func date(_ node: Node, _ key: String) -> DateComponents? {
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
