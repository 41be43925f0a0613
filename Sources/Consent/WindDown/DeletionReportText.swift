import Foundation

/// The deletion report and the funder's statistics as documents, in German (default) or English.
public enum DeletionReportText {
    /// `de` or `en`; anything else reads as German.
    public static func document(_ r: DeletionReport, language: String) -> ReportDocument {
        let t = Words(language)
        var d = ReportDocument(title: t["title"], language: t.language)
        if r.dryRun { d.p(t["dry_run"]) }
        d.table([t["item"], t["value"]], [
            [t["controller"], r.controller], [t["programme"], r.programme], [t["programme_end"], r.programmeEnd],
            [t["as_of"], r.asOf], [t["policy"], "\(r.policyVersion) (BLAKE2b \(r.policyHash.prefix(16))…)"],
        ])
        if let step = r.stoppedAt {
            d.h(1, t["stopped"])
            d.p(t.f("stopped_at", t["step." + step.rawValue]))
            d.list(r.stopReasons)
        }
        if !r.steps.isEmpty {
            d.h(1, t["steps"])
            d.table([t["step"], t["completed"]], WindDownStep.allCases.compactMap { s in r.steps[s.rawValue].map { [t["step." + s.rawValue], $0] } })
        }

        // 1. What was held.
        d.h(1, t["held"])
        let h = r.held
        var rows = [[t["data.contact_requests"], String(h.contactRequests), period(h.contactRequestsPeriod)]]
        for method in h.consentEntriesByMethod.keys.sorted() {
            rows.append(["\(t["data.consent_records"]) (\(t["method." + method]))", String(h.consentEntriesByMethod[method]!), period(h.consentPeriod)])
        }
        if h.consentEntriesAnonymised > 0 { rows.append([t["anonymised_of_these"], String(h.consentEntriesAnonymised), ""]) }
        if h.consentEntriesDeleted > 0 { rows.append([t["skeletons"], String(h.consentEntriesDeleted), ""]) }
        rows.append([t["data.audit_entries"], String(h.auditEntries), ""])
        d.table([t["kind"], t["records"], t["period"]], rows)
        d.h(2, t["holds"])
        if h.holds.isEmpty { d.p(t["none"]) } else {
            d.table(["#", t["hold_kind"], t["on"], t["reason"], t["since"], t["age_days"], t["expires"]], h.holds.map { hold in
                [String(hold.id), hold.kind, hold.on, hold.reason ?? "–", hold.since, String(hold.ageDays),
                 hold.expires.map { $0 + (hold.expired ? " (\(t["expired"]))" : "") } ?? t["no_expiry"]]
            })
        }
        d.h(2, t["open_requests"])
        if h.openRequests.isEmpty { d.p(t["no_open_requests"]) } else {
            d.table(["ID", t["type"], t["due"]], h.openRequests.map { [$0.id, $0.type, $0.due] })
        }

        // 2. Statistics.
        d.h(1, t["statistics"])
        if let s = r.statistics { statistics(s, into: &d, t) } else { d.p(t["not_yet"]) }

        // 3. Archive.
        d.h(1, t["archive"])
        if let a = r.archive {
            if !a.required { d.p(t.f("archive_not_required", a.archive ?? "–")) } else {
                d.p(t.f("archive_offered", a.archive ?? "–"))
                d.table([t["kind"], t["records"], t["period"]], a.offer.map { [t["data." + $0.data], String($0.records), period($0.period)] })
                if let dec = a.decision {
                    d.p(t.f("archive_decision", t["decision." + dec.decision.rawValue], dec.reference, dec.decidedAt, t["source." + dec.source]))
                } else { d.p(t["archive_no_decision"]) }
                if let folder = a.package {
                    if let m = a.manifest {
                        d.p(t.f("package_written", folder, m.createdAt))
                        d.table([t["file"], t["records"], t["bytes"], "SHA-256"], m.files.map { [$0.name, String($0.records), String($0.bytes), $0.sha256] })
                    } else { d.p(t.f("package_would", folder)) }
                }
            }
        } else { d.p(t["not_yet"]) }

        // 4. Deleted: when and by which rule.
        d.h(1, t["deleted"])
        if let p = r.purge {
            d.p(t.f(r.dryRun ? "purge_would" : "purge_done", p.report.asOf))
            d.table([t["rule"], t["kind"], t["action"], t["due_if_before"], r.dryRun ? t["would_be_done"] : t["done"], t["held_col"]], p.report.rules.map { o in
                [o.rule, t["data." + o.data], t["action." + o.action], o.dueIfBefore ?? "–", String(r.dryRun ? o.due : o.done),
                 o.held.isEmpty ? "0" : o.held.keys.sorted().map { "\(o.held[$0]!) (\($0))" }.joined(separator: ", ")]
            })
        } else { d.p(t["not_yet"]) }
        d.h(2, t["all_purges"])
        if r.earlierPurges.isEmpty { d.p(t["none"]) } else {
            d.table([t["when"], t["by"], t["rule"], t["records"]], r.earlierPurges.flatMap { e in
                e.done.keys.sorted().map { [e.at, e.actor, $0, String(e.done[$0]!)] }
            })
        }

        // 5. Consents after the end.
        d.h(1, t["consents_after"])
        d.p(r.consentCollectionEnds.map { t.f("collection_ends", $0) } ?? t["collection_no_end"])
        d.p(r.refusalRules.isEmpty ? t["no_refusal_rule"] : t.f("refusal_rules", r.refusalRules.joined(separator: ", ")))

        // Keys.
        d.h(1, t["keys"])
        if let k = r.keys {
            d.p(t.f("keys_destroyed", r.steps[WindDownStep.keysDestroyed.rawValue] ?? "–", k.keyID ?? "–", k.files.joined(separator: ", ")))
            if k.forced { d.p(t.f("keys_forced", String(k.sealedRemaining))) }
        } else { d.p(t["keys_present"]) }

        // 6. What remains, until when.
        d.h(1, t["remains"])
        if r.remaining.isEmpty { d.p(t["nothing_remains"]) } else {
            d.table([t["kind"], t["records"], t["until"], t["why"]], r.remaining.map {
                [t["data." + $0.data], String($0.records), $0.until ?? "–", t["why." + $0.why]]
            })
        }

        // Proof: the ledger before and after.
        d.h(1, t["checkpoints"])
        var heads: [[String]] = []
        if let before = r.purge?.before { heads.append(row(t["before"], before)) }
        heads.append(row(t["after"], r.after))
        d.table(["", t["at"], t["ledger"], t["audit_log"]], heads)
        for (label, h) in [(t["before"], r.purge?.before), (t["after"], Optional(r.after))] {
            if let note = h?.checkpoint { d.p(label + ":"); d.code(note) }
        }
        if r.after.checkpoint == nil { d.p(t["no_checkpoint"]) }

        d.h(1, t["signature"])
        d.p(r.unsignedReason.map { t.f("unsigned", $0) } ?? t["signed"])
        return d
    }

    /// The statistics alone (the funder's file).
    public static func statisticsDocument(_ s: FunderStatistics, programme: String, language: String) -> ReportDocument {
        let t = Words(language)
        var d = ReportDocument(title: t["statistics"], language: t.language)
        d.p(programme)
        statistics(s, into: &d, t)
        return d
    }

    static func statistics(_ s: FunderStatistics, into d: inout ReportDocument, _ t: Words) {
        d.p(t.f("statistics_note", s.asOf))
        func oneColumn(_ table: CountTable, _ label: String, _ words: (String) -> String = { $0 }) {
            var rows = table.rows.map { [words($0.label), $0.cells.first ?? ""] }
            if let total = table.totals.first { rows.append([t["total"], total]) }
            d.table([label, t["count"]], rows)
        }
        d.h(2, t["stats_contacts_month"])
        oneColumn(s.contactRequestsByMonth, t["month"])
        d.h(2, t["stats_contacts_window"])
        if let w = s.contactRequestsByCallbackWindow { oneColumn(w, t["window"]) { t["window." + $0] } } else { d.p(t["window_sealed"]) }
        d.h(2, t["stats_consents"])
        let c = s.consentsByMonthAndMethod
        var rows = c.rows.map { [$0.label] + $0.cells + [$0.total ?? ""] }
        if !c.totals.isEmpty { rows.append([t["total"]] + c.totals + [""]) }
        d.table([t["month"]] + c.columns.map { t["method." + $0] } + [t["total"]], rows)
        d.h(2, t["stats_withdrawals"])
        oneColumn(s.withdrawalsByMonth, t["month"])
    }

    static func period(_ p: Period?) -> String { p.map { $0.from == $0.until ? $0.from : "\($0.from) – \($0.until)" } ?? "–" }

    static func row(_ label: String, _ h: LedgerHeads) -> [String] {
        [label, h.at, "\(h.ledgerEntries) / \(h.ledgerHead.map { String($0.prefix(16)) + "…" } ?? "–")",
         "\(h.auditEntries) / \(h.auditHead.map { String($0.prefix(16)) + "…" } ?? "–")"]
    }
}

/// The report's words in one language.
struct Words {
    let language: String
    let table: [String: String]

    init(_ language: String) {
        self.language = language == "en" ? "en" : "de"
        table = self.language == "en" ? Self.en : Self.de
    }

    subscript(_ key: String) -> String { table[key] ?? Self.de[key] ?? key }

    /// The text of `key` with `%1`, `%2`, … replaced.
    func f(_ key: String, _ args: String...) -> String {
        var s = self[key]
        for (i, a) in args.enumerated().reversed() { s = s.replacingOccurrences(of: "%\(i + 1)", with: a) }
        return s
    }

    static let de: [String: String] = [
        "title": "Löschbericht zum Programmende",
        "dry_run": "TROCKENLAUF: Dieser Bericht zeigt, was der Abschluss tun würde. Es wurde nichts geändert, gelöscht oder exportiert.",
        "item": "Angabe", "value": "Wert", "controller": "Verantwortlicher", "programme": "Programm",
        "programme_end": "Programmende (letzter Tag)", "as_of": "Stand", "policy": "Richtlinie",
        "stopped": "Angehalten", "stopped_at": "Der Abschluss hält beim Schritt „%1“ an:",
        "steps": "Schritte", "step": "Schritt", "completed": "abgeschlossen",
        "step.stock_take": "Bestandsaufnahme", "step.statistics": "Statistik für den Fördermittelgeber",
        "step.archive_decision": "Entscheidung des Archivs", "step.archive": "Anbietung an das Archiv",
        "step.purge": "Löschung", "step.keys_destroyed": "Schlüssel vernichtet", "step.report": "Löschbericht ausgestellt",
        "held": "1. Was gespeichert war", "kind": "Art", "records": "Anzahl", "period": "Zeitraum",
        "data.contact_requests": "Kontaktanfragen", "data.consent_records": "Einwilligungsnachweise",
        "data.audit_entries": "Protokolleinträge", "data.deletion_records": "Löschnachweise (Abschlussschritte)",
        "anonymised_of_these": "davon anonymisiert", "skeletons": "Einwilligungsnachweise, bereits geleert (nur Folgenummer und Hashes)",
        "method.accept_all": "Alle akzeptieren", "method.accept_selection": "Auswahl", "method.reject_all": "Nur notwendige",
        "method.withdraw": "Widerruf",
        "holds": "Sperren (Holds)", "none": "keine", "hold_kind": "Art", "on": "betrifft", "reason": "Grund", "since": "seit",
        "age_days": "Alter (Tage)", "expires": "läuft ab", "expired": "abgelaufen", "no_expiry": "ohne Ablauf",
        "open_requests": "Offene Anträge Betroffener", "no_open_requests": "keine (das Antragsregister ist in diesem Stand nicht angebunden)",
        "type": "Art", "due": "Frist",
        "statistics": "2. Statistik für den Fördermittelgeber",
        "statistics_note": "Nur Anzahlen, erhoben am %1 aus den noch vorhandenen Daten, vor jeder Löschung. Anzahlen von 1 bis 4 sind als „< 5“ ausgewiesen, damit niemand bestimmbar ist; „•“: zurückgehalten, weil die Summe sonst eine verborgene Anzahl verriete.",
        "stats_contacts_month": "Kontaktanfragen je Monat", "stats_contacts_window": "Kontaktanfragen je Rückrufzeitfenster",
        "stats_consents": "Einwilligungsentscheidungen je Monat und Art", "stats_withdrawals": "Widerrufe je Monat",
        "month": "Monat", "count": "Anzahl", "total": "Summe", "window": "Zeitfenster",
        "window.morning": "vormittags (08:00–12:00)", "window.midday": "mittags (12:00–14:00)",
        "window.afternoon": "nachmittags (14:00–18:00)", "window.none": "keine Angabe", "window.other": "andere Angabe",
        "window_sealed": "Nicht erhoben: Die Rückrufzeiten sind verschlüsselt gespeichert und der geheime Schlüssel lag nicht vor.",
        "not_yet": "Dieser Schritt ist noch nicht erfolgt.",
        "archive": "3. Anbietung an das Archiv (ThürArchivG §§ 4, 11)",
        "archive_not_required": "Die Richtlinie sieht keine Anbietung vor (Archiv: %1).",
        "archive_offered": "Angeboten an: %1. Angebotsliste (nur Arten, Anzahlen und Zeiträume, kein Inhalt):",
        "archive_decision": "Entscheidung: %1, Aktenzeichen %2, am %3 (%4).",
        "decision.taken": "übernommen", "decision.declined": "nicht archivwürdig (abgelehnt)",
        "source.archive": "vom Archiv mitgeteilt", "source.policy": "pauschale Bewertungsentscheidung laut Richtlinie",
        "archive_no_decision": "Eine Entscheidung des Archivs liegt noch nicht vor; ohne sie wird nichts gelöscht, was angeboten ist.",
        "package_written": "Archivpaket (entschlüsselt, mit Manifest und SHA-256-Prüfsummen) vor der Löschung geschrieben nach %1 am %2:",
        "package_would": "Ein Archivpaket würde vor der Löschung nach %1 geschrieben.",
        "file": "Datei", "bytes": "Bytes",
        "deleted": "4. Gelöscht: wann und nach welcher Regel",
        "purge_done": "Löschlauf des Abschlusses am %1:", "purge_would": "Ein Löschlauf am %1 würde:",
        "rule": "Regel", "action": "Aktion", "due_if_before": "fällig, wenn Ereignis vor", "done": "erledigt",
        "would_be_done": "würde erledigt", "held_col": "gesperrt",
        "action.delete": "löschen", "action.anonymise": "anonymisieren",
        "all_purges": "Alle Löschläufe laut Protokoll", "when": "wann", "by": "durch",
        "consents_after": "5. Einwilligungen nach dem Ende",
        "collection_ends": "Einwilligungen werden bis %1 erfasst; danach antwortet der Server dem Banner mit 410 collection_ended, das Banner und eingebettete Inhalte erscheinen nicht mehr.",
        "collection_no_end": "Die Richtlinie setzt kein Ende der Einwilligungserfassung (consent.collect_until).",
        "refusal_rules": "Einträge, die nur Ablehnungen sind, löschen vorzeitig die Regeln: %1.",
        "no_refusal_rule": "Keine Regel löscht reine Ablehnungen vorzeitig.",
        "keys": "Schlüssel (Crypto-Shredding)",
        "keys_destroyed": "Der geheime Schlüssel wurde am %1 überschrieben und gelöscht (Schlüssel %2; Dateien: %3). Nichts, was mit ihm versiegelt wurde, kann mehr geöffnet werden.",
        "keys_forced": "Mit --force: %1 versiegelte Datensätze blieben und sind nicht mehr lesbar.",
        "keys_present": "Der geheime Schlüssel (vault.key) ist noch nicht vernichtet (privacyctl keys destroy).",
        "remains": "6. Was bleibt und bis wann", "until": "bis spätestens", "why": "warum",
        "nothing_remains": "Nichts.",
        "why.held": "durch Sperre gehalten", "why.proof": "Nachweis der Einwilligung (Art. 7 Abs. 1 DSGVO), bis die Regeln sie fällig machen",
        "why.anonymised": "anonymisiert, ohne Personenbezug", "why.chain": "Gerüst der Hash-Kette, ohne Inhalt",
        "why.audit": "Protokoll der Verarbeitungen, ohne personenbezogene Daten",
        "why.deletion_records": "Löschnachweise nach Archivrecht, getrennt von der Aufbewahrung des Protokolls",
        "checkpoints": "Stand des Nachweisbuchs vorher und nachher", "before": "vor der Löschung", "after": "nach dem Abschluss",
        "at": "Zeitpunkt", "ledger": "Einwilligungsbuch (Einträge / Kopf-Hash)", "audit_log": "Protokoll (Einträge / Kopf-Hash)",
        "no_checkpoint": "Kein signierter Checkpoint vorhanden; genannt sind die Köpfe der Hash-Ketten.",
        "signature": "Signatur",
        "signed": "Dieser Bericht ist mit audit.key signiert; die Signaturzeile steht in der Datei daneben (.sig). Prüfung: docs/wind-down.md.",
        "unsigned": "Nicht signiert: %1.",
    ]

    static let en: [String: String] = [
        "title": "Deletion report for the programme's end",
        "dry_run": "DRY RUN: this report shows what the wind-down would do. Nothing was changed, deleted or exported.",
        "item": "Item", "value": "Value", "controller": "Controller", "programme": "Programme",
        "programme_end": "Programme end (last day)", "as_of": "As of", "policy": "Policy",
        "stopped": "Stopped", "stopped_at": "The wind-down stops at the step “%1”:",
        "steps": "Steps", "step": "Step", "completed": "completed",
        "step.stock_take": "Stock-take", "step.statistics": "Statistics for the funder",
        "step.archive_decision": "Archive's decision", "step.archive": "Archive offer",
        "step.purge": "Purge", "step.keys_destroyed": "Keys destroyed", "step.report": "Deletion report issued",
        "held": "1. What was held", "kind": "Kind", "records": "Records", "period": "Period",
        "data.contact_requests": "Contact requests", "data.consent_records": "Consent records",
        "data.audit_entries": "Audit entries", "data.deletion_records": "Deletion records (wind-down steps)",
        "anonymised_of_these": "of these anonymised", "skeletons": "Consent records already emptied (sequence number and hashes only)",
        "method.accept_all": "Accept all", "method.accept_selection": "Selection", "method.reject_all": "Necessary only",
        "method.withdraw": "Withdrawal",
        "holds": "Holds", "none": "none", "hold_kind": "Kind", "on": "on", "reason": "Reason", "since": "since",
        "age_days": "Age (days)", "expires": "expires", "expired": "expired", "no_expiry": "no expiry",
        "open_requests": "Open requests from people", "no_open_requests": "none (the request register is not connected in this build)",
        "type": "Type", "due": "Due",
        "statistics": "2. Statistics for the funder",
        "statistics_note": "Counts only, taken at %1 from the data that still existed, before anything was deleted. Counts from 1 to 4 are shown as “< 5”, so that nobody can be singled out; “•”: withheld because the total would otherwise give a hidden count away.",
        "stats_contacts_month": "Contact requests per month", "stats_contacts_window": "Contact requests per callback window",
        "stats_consents": "Consent choices per month and method", "stats_withdrawals": "Withdrawals per month",
        "month": "Month", "count": "Count", "total": "Total", "window": "Window",
        "window.morning": "mornings (08:00–12:00)", "window.midday": "midday (12:00–14:00)",
        "window.afternoon": "afternoons (14:00–18:00)", "window.none": "not given", "window.other": "other",
        "window_sealed": "Not counted: the callback times are sealed and the secret key was not at hand.",
        "not_yet": "This step has not run yet.",
        "archive": "3. Archive offer (ThürArchivG §§ 4, 11)",
        "archive_not_required": "The policy offers nothing to an archive (archive: %1).",
        "archive_offered": "Offered to: %1. Offer list (kinds, counts and periods only, no content):",
        "archive_decision": "Decision: %1, reference %2, on %3 (%4).",
        "decision.taken": "taken", "decision.declined": "declined (not worth archiving)",
        "source.archive": "as the archive told", "source.policy": "the policy's blanket appraisal decision",
        "archive_no_decision": "The archive has not decided yet; nothing offered is deleted without its decision.",
        "package_written": "Archive package (decrypted, with a manifest and SHA-256 checksums) written before the purge to %1 at %2:",
        "package_would": "An archive package would be written to %1 before the purge.",
        "file": "File", "bytes": "Bytes",
        "deleted": "4. Deleted: when and by which rule",
        "purge_done": "The wind-down's purge at %1:", "purge_would": "A purge at %1 would:",
        "rule": "Rule", "action": "Action", "due_if_before": "due if its event was before", "done": "done",
        "would_be_done": "would be done", "held_col": "held",
        "action.delete": "delete", "action.anonymise": "anonymise",
        "all_purges": "Every purge the audit log records", "when": "when", "by": "by",
        "consents_after": "5. Consents after the end",
        "collection_ends": "Consents are recorded until %1; after that the server answers the banner 410 collection_ended, and neither the banner nor embedded content is shown.",
        "collection_no_end": "The policy sets no end to recording consents (consent.collect_until).",
        "refusal_rules": "Entries that are only refusals are deleted early by the rules: %1.",
        "no_refusal_rule": "No rule deletes mere refusals early.",
        "keys": "Keys (crypto-shredding)",
        "keys_destroyed": "The secret key was overwritten and removed at %1 (key %2; files: %3). Nothing sealed to it can be opened any more.",
        "keys_forced": "With --force: %1 sealed records remained and can no longer be read.",
        "keys_present": "The secret key (vault.key) has not been destroyed yet (privacyctl keys destroy).",
        "remains": "6. What remains, and until when", "until": "until at the latest", "why": "why",
        "nothing_remains": "Nothing.",
        "why.held": "kept by a hold", "why.proof": "proof of consent (Art. 7(1) GDPR), until the rules make it due",
        "why.anonymised": "anonymised, about nobody", "why.chain": "the hash chain's skeleton, without content",
        "why.audit": "the log of processing, without personal data",
        "why.deletion_records": "deletion records under archive law, apart from the audit log's retention",
        "checkpoints": "The ledger before and after", "before": "before the purge", "after": "after the wind-down",
        "at": "At", "ledger": "Consent ledger (entries / head hash)", "audit_log": "Audit log (entries / head hash)",
        "no_checkpoint": "No signed checkpoint exists; the heads of the hash chains are named instead.",
        "signature": "Signature",
        "signed": "This report is signed with audit.key; the signature line is in the file beside it (.sig). How to check it: docs/wind-down.md.",
        "unsigned": "Unsigned: %1.",
    ]
}
