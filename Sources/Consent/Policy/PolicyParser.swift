import Foundation
import Vault
import Yams

/// Reads a policy from YAML, collecting every issue (with file, line and rule) rather than stopping at the first.
public struct PolicyParser {
    let file: String
    var issues: [PolicyIssue] = []
    /// The file's `format`: 2 requires the legal model (DPO, one basis per purpose, reasons).
    var format = 1
    /// Where each basis was written, for the rules that need the controller too.
    var basisNodes: [(code: LegalBasisCode, node: Node)] = []

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

    // MARK: Building

    private mutating func build(_ root: Node, sourceHash: String) -> Policy? {
        guard let top = mapping(root, "the policy", keys: [
            "format", "policy_version", "controller", "time_zone", "programme", "consent",
            "contact_requests", "retention", "erasure", "archive", "wind_down",
            "holidays", "extra_holidays",
            "log_origin", "audit",
            "dpo", "processors",
        ]) else { return nil }
        let format = int(top, "format", min: 1) ?? 1
        if format > 2 { report(top["format"]!, "unsupported-format", "format \(format) is not known; this engine reads formats 1 and 2") }
        self.format = format
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
        let holidays = buildHolidays(top)
        let logOrigin = buildLogOrigin(top)
        let checkpointMaxAge = buildAudit(top)
        let dpo = buildDPO(top["dpo"], anchor: root)
        let processors = top["processors"].map { buildProcessors($0) } ?? []
        guard let version, let controller, let timeZone, let programme, let consent, let contacts else { return nil }
        checkBases(controller: controller, top: top, purposes: consent.purposes, contacts: contacts)
        var policy = Policy(format: format, version: version, controller: controller, timeZone: timeZone,
                            programme: programme, consent: consent, contactRequests: contacts, retention: retention,
                            erasure: erasure, archive: archive, sourceHash: sourceHash,
                            logOrigin: logOrigin, checkpointMaxAge: checkpointMaxAge, dpo: dpo, processors: processors)
        policy.holidays = holidays
        policy.windDown = windDown
        return policy
    }

    /// `holidays: DE-TH` and `extra_holidays: [2025-06-19, 06-19, fronleichnam]` (issue 13: deadlines).
    private mutating func buildHolidays(_ top: [String: Node]) -> HolidayCalendar {
        var calendar = HolidayCalendar(region: .none)
        if let node = top["holidays"], let name = scalar(node, "holidays") {
            if let region = HolidayCalendar.Region(rawValue: name) { calendar.region = region } else {
                report(node, "bad-value", "unknown holiday calendar '\(name)'; use one of \(HolidayCalendar.Region.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let node = top["extra_holidays"], let list = sequence(node, "extra_holidays") {
            for item in list {
                guard let text = scalar(item, "extra_holidays") else { continue }
                if let day = CalendarDay(text) {
                    calendar.extra.append(.date(day))
                } else if text.utf8.count == 5, let day = CalendarDay("2000-" + text) {
                    calendar.extra.append(.yearly(month: day.month, day: day.day))
                } else if let named = HolidayCalendar.NamedDay(rawValue: text) {
                    calendar.extra.append(.named(named))
                } else {
                    report(item, "bad-date", "'\(text)' is neither a day (2025-06-19), a yearly day (06-19) nor a named holiday (\(HolidayCalendar.NamedDay.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
        }
        return calendar

    }

    /// `log_origin`: one word without spaces or '+' (it names the checkpoints and the signing key).
    private mutating func buildLogOrigin(_ top: [String: Node]) -> String? {
        guard let node = top["log_origin"], let origin = scalar(node, "log_origin") else { return nil }
        if origin.isEmpty || origin.contains(where: { $0 == "+" || $0.isWhitespace }) {
            report(node, "bad-log-origin", "log_origin '\(origin)' must be non-empty, without spaces or '+' (e.g. example.org/consent-ledger)")
            return nil
        }
        return origin
    }

    /// `audit: {checkpoint_max_age: P1D}`.
    private mutating func buildAudit(_ top: [String: Node]) -> ISODuration? {
        guard let node = top["audit"], let m = mapping(node, "audit", keys: ["checkpoint_max_age"]),
              let ageNode = m["checkpoint_max_age"], let text = scalar(ageNode, "checkpoint_max_age") else { return nil }
        guard let age = ISODuration(text) else {
            report(ageNode, "bad-duration", "checkpoint_max_age '\(text)' is not an ISO-8601 duration (e.g. P1D)")
            return nil
        }
        return age
    }

    private mutating func buildController(_ node: Node) -> Controller? {
        guard let m = mapping(node, "controller", keys: ["name", "address", "email", "phone", "supervisory_authority", "public_body"]) else { return nil }
        let publicBody = format >= 2 ? required(m, "public_body").flatMap { _ in bool(m, "public_body") } : bool(m, "public_body")
        guard let name = string(m, "name"), let address = string(m, "address"),
              let authority = string(m, "supervisory_authority") else { return nil }
        return Controller(name: name, address: address, email: optionalString(m, "email"),
                          phone: optionalString(m, "phone"), supervisoryAuthority: authority, publicBody: publicBody ?? false)
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
        guard let m = mapping(node, "consent", keys: ["valid_days", "purposes", "texts", "banner_strings", "minimise_refusals", "cookie_name", "collect_until"]) else { return nil }
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
        let bannerStrings = m["banner_strings"].map { buildBannerStrings($0, languages: Set(texts.keys)) } ?? [:]
        guard let validDays else { return nil }
        var settings = ConsentSettings(validDays: validDays, purposes: purposes, texts: texts, bannerStrings: bannerStrings)
        settings.minimiseRefusals = bool(m, "minimise_refusals") ?? true
        if m["cookie_name"] != nil, let cookie = identifier(m, "cookie_name") { settings.cookieName = cookie }
        settings.collectUntil = m["collect_until"].flatMap { date($0, "collect_until") }
        return settings
    }

    /// `consent.banner_strings.<lang>.<key>`: the banner script's own strings (see ``BannerStrings``).
    private mutating func buildBannerStrings(_ node: Node, languages: Set<String>) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        guard let byLanguage = mapping(node, "banner_strings", keys: nil) else { return result }
        for (lang, value) in byLanguage {
            if !languages.contains(lang), let key = node.mapping?.keys.first(where: { $0.string == lang }) {
                report(key, "unknown-language", "banner_strings has '\(lang)' but texts has no '\(lang)'; add texts.\(lang) or remove these strings")
            }
            guard let entries = mapping(value, "banner_strings.\(lang)", keys: BannerStrings.keys) else { continue }
            var dict: [String: String] = [:]
            for (key, v) in entries { if let s = scalar(v, "banner_strings.\(lang).\(key)") { dict[key] = s } }
            result[lang] = dict
        }
        return result
    }

    private mutating func buildPurpose(_ node: Node) -> Purpose? {
        guard let m = mapping(node, "purpose", keys: (["id", "required", "legal_basis", "title", "description", "services"] as Set<String>).union(Self.disclosureKeys)) else { return nil }
        let id = identifier(m, "id")
        let required = bool(m, "required") ?? false
        let basis = legalBasis(m, owner: node)
        let disclosure = buildDisclosure(m)
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
        if let basis, let basisNode = m["legal_basis"] {
            checkPurposeBasis(basis, required: required, services: services, node: basisNode)
        }
        guard let id, let basis, let title, let description else { return nil }
        return Purpose(id: id, required: required, basis: basis, disclosure: disclosure, title: title, description: description, services: services)
    }

    private mutating func buildContacts(_ node: Node) -> ContactRequestSettings? {
        guard let m = mapping(node, "contact_requests", keys: (["purpose", "legal_basis", "categories", "source"] as Set<String>).union(Self.disclosureKeys)) else { return nil }
        let purposeText = textOrLocalized(m, "purpose"), basis = legalBasis(m, owner: node), source = string(m, "source")
        let categories = stringList(m, "categories")
        var disclosure = buildDisclosure(m)
        if m["recipients"] == nil { _ = required(m, "recipients") }
        guard let purposeText, let basis, let source, let categories else { return nil }
        if disclosure.data == nil { disclosure.data = LocalizedText(values: ["de": categories.joined(separator: ", ")]) }
        return ContactRequestSettings(purpose: purposeText.text("de"), basis: basis, disclosure: disclosure, purposeText: purposeText,
                                      categories: categories, recipients: disclosure.recipients.map { $0.text("de") }, source: source)
    }

    private mutating func buildRetention(_ node: Node, purposes: [Purpose]) -> [RetentionRule]? {
        guard let list = sequence(node, "retention") else { return nil }
        var rules: [RetentionRule] = []
        var ids = Set<String>()
        for item in list {
            guard let m = mapping(item, "retention rule", keys: ["id", "data", "starts", "after", "action", "holds", "purposes", "reason", "applies_to"]) else { continue }
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
                    if name == HoldKind.objection.rawValue {
                        report(h, "unknown-hold", "an objection hold keeps nothing from a rule; list open_request, legal_hold or restriction")
                    } else if let kind = HoldKind(rawValue: name) { holds.append(kind) } else {
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
            checkRetentionRule(m, data: data, starts: starts, action: action)
            let reason = retentionReason(m, rule: item)
            var scope = RetentionScope.all
            if m["applies_to"] != nil, let s = enumValue(m, "applies_to", RetentionScope.self) {
                scope = s
                if s == .refusals, let data, data != .consentRecords {
                    report(m["applies_to"]!, "bad-scope", "only consent_records can be selected as refusals; remove applies_to")
                }
            }
            guard let id, let data, let starts, let after, let action else { continue }
            rules.append(RetentionRule(id: id, data: data, starts: starts, after: after, action: action, holds: holds, line: line,
                                       reason: reason, appliesTo: scope))
        }
        checkCoverage(rules, node: node)
        return rules
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
}
