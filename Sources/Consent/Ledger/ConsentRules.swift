/// Checks a choice against the policy and completes it: every purpose and service gets a value.
///
/// - A required purpose cannot be refused.
/// - Unknown purposes, services, or a policy version other than the current one are refused.
/// - `accept_all` grants everything, `reject_all` and `withdraw` grant only what is required;
///   a choice that contradicts its method is refused. `accept_selection` takes what was sent,
///   and what was not sent is not granted.
/// - A service follows its purpose unless it is named: allowing YouTube alone on its placeholder
///   is a service-level consent.
enum ConsentRules {
    struct Completed {
        var purposes: [String: Bool]
        var services: [String: Bool]
    }

    static let maxURLLength = 2048
    static let maxLanguageLength = 35

    /// What the rules read of a policy: its version, and per purpose its id, whether it is
    /// required and its services' ids. Worked out once per ledger: copying a whole ``Purpose``
    /// (titles, descriptions, legal basis, disclosure) for every purpose a request looks at was
    /// about half of the rules' time (issue 16).
    struct Catalogue: Sendable {
        struct Entry: Sendable {
            let id: String
            let required: Bool
            let services: [String]
        }
        let version: String
        let purposes: [Entry]

        /// What a withdrawal records (Art. 7(3)): the required purposes granted, every other
        /// purpose and every service refused.
        let withdrawal: (purposes: [String: Bool], services: [String: Bool])

        init(_ policy: Policy) {
            version = policy.version
            purposes = policy.consent.purposes.map { Entry(id: $0.id, required: $0.required, services: $0.services.map(\.id)) }
            var granted: [String: Bool] = [:], refused: [String: Bool] = [:]
            for purpose in purposes {
                granted[purpose.id] = purpose.required
                for service in purpose.services { refused[service] = false }
            }
            withdrawal = (granted, refused)
        }

        /// Whether `purposes` or `services` grant anything that is not required.
        func grantsOptional(purposes chosen: [String: Bool], services: [String: Bool]) -> Bool {
            purposes.contains { !$0.required && chosen[$0.id] == true } || services.values.contains(true)
        }
    }

    static func complete(_ choice: ConsentChoice, _ catalogue: Catalogue) throws(ConsentError) -> Completed {
        var problems: [String: String] = [:]
        if choice.policyVersion != catalogue.version {
            problems["policy_version"] = "'\(choice.policyVersion)' is not the current policy version '\(catalogue.version)'; fetch /v1/config and ask again"
        }
        // A policy has a handful of purposes and services: a linear look-up, no sets built per request.
        let known = catalogue.purposes
        for id in choice.purposes.keys where !known.contains(where: { $0.id == id }) {
            problems["purposes.\(id)"] = "unknown purpose; known: \(Set(known.map(\.id)).sorted().joined(separator: ", "))"
        }
        for id in choice.services.keys where !known.contains(where: { $0.services.contains(id) }) {
            problems["services.\(id)"] = "unknown service; known: \(Set(known.flatMap(\.services)).sorted().joined(separator: ", "))"
        }
        var purposes: [String: Bool] = [:]
        purposes.reserveCapacity(known.count)
        for purpose in known {
            let sent = choice.purposes[purpose.id]
            if purpose.required {
                if sent == false { problems["purposes.\(purpose.id)"] = "is required and cannot be refused" }
                purposes[purpose.id] = true
                continue
            }
            switch choice.method {
            case .acceptAll:
                if sent == false { problems["purposes.\(purpose.id)"] = "cannot be false with method accept_all" }
                purposes[purpose.id] = true
            case .rejectAll, .withdraw:
                if sent == true { problems["purposes.\(purpose.id)"] = "cannot be true with method \(choice.method.rawValue)" }
                purposes[purpose.id] = false
            case .acceptSelection:
                purposes[purpose.id] = sent ?? false
            }
        }
        var services: [String: Bool] = [:]
        for purpose in known {
            for service in purpose.services {
                let sent = choice.services[service]
                let granted = sent ?? purposes[purpose.id] ?? false
                if choice.method == .acceptAll, sent == false {
                    problems["services.\(service)"] = "cannot be false with method accept_all"
                }
                if choice.method == .rejectAll || choice.method == .withdraw, sent == true {
                    problems["services.\(service)"] = "cannot be true with method \(choice.method.rawValue)"
                }
                services[service] = granted
            }
        }
        if let url = choice.pageURL {
            // Counted in Unicode code points, as JSON Schema's maxLength in openapi.yaml counts.
            // On bytes where they decide: no more bytes than the limit means no more code points, and a
            // control character is one byte that no multi-byte sequence contains.
            if url.utf8.count > maxURLLength && url.unicodeScalars.count > maxURLLength {
                problems["page_url"] = "longer than \(maxURLLength) characters"
            } else if url.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) {
                problems["page_url"] = "contains control characters"
            }
        }
        if let lang = choice.language {
            let ok = !lang.isEmpty && lang.utf8.count <= maxLanguageLength
                && lang.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            if !ok { problems["language"] = "must be a language tag such as 'de' or 'en-GB'" }
        }
        if !problems.isEmpty {
            if problems.count == 1, let (field, message) = problems.first { throw .invalid(field: field, message: message) }
            throw .invalidFields(problems)
        }
        return Completed(purposes: purposes, services: services)
    }
}
