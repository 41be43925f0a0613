import GRDB

/// The schema's history. A shipped migration is never edited: a change is a new migration.
enum Migrations {
    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()

        m.registerMigration("v1: consent ledger") { db in
            // Append-only; `seq` is assigned by the writer as head + 1, so a gap is a deletion.
            try db.create(table: "consent_ledger") { t in
                t.primaryKey("seq", .integer)
                t.column("consent_id", .text)
                t.column("recorded_at", .integer).notNull()           // ms since 1970, server clock
                t.column("expires_at", .integer)
                t.column("policy_version", .text)
                t.column("method", .text)
                t.column("source", .text)
                t.column("purposes", .text)                           // JSON object id → bool
                t.column("services", .text)                           // JSON object id → bool
                t.column("page_url", .text)
                t.column("language", .text)
                t.column("ip_prefix", .text)                          // truncated before storage
                t.column("user_agent", .text)
                t.column("gpc", .boolean)
                t.column("gpc_conflict", .boolean)
                t.column("reason", .text)
                t.column("texts_hash", .blob)
                t.column("content_hash", .blob).notNull()
                t.column("prev_hash", .blob).notNull()
                t.column("entry_hash", .blob).notNull()
                t.column("redaction", .text)                          // NULL, 'deleted' or 'anonymised'
                t.column("redacted_at", .integer)
            }
            try db.create(index: "consent_ledger_by_id", on: "consent_ledger", columns: ["consent_id", "seq"])
            try db.create(index: "consent_ledger_by_time", on: "consent_ledger", columns: ["recorded_at"])
        }

        m.registerMigration("v1: contact requests") { db in
            try db.create(table: "contact_requests") { t in
                t.primaryKey("reference", .text)
                t.column("received_at", .integer).notNull()
                t.column("policy_version", .text).notNull()
                t.column("key_id", .text).notNull()                   // which key pair opens it
                t.column("sealed", .blob).notNull()                   // SealedBox of the form's JSON
                t.column("email_index", .blob).notNull()              // keyed BLAKE2b blind index
                t.column("consent_index", .blob)                      // blind index of a linked consent id
            }
            try db.create(index: "contact_requests_by_email", on: "contact_requests", columns: ["email_index"])
            try db.create(index: "contact_requests_by_consent", on: "contact_requests", columns: ["consent_index"])
            try db.create(index: "contact_requests_by_time", on: "contact_requests", columns: ["received_at"])
            try db.create(index: "contact_requests_by_key", on: "contact_requests", columns: ["key_id"])
        }

        m.registerMigration("v1: audit log") { db in
            try db.create(table: "audit_log") { t in
                t.primaryKey("seq", .integer)
                t.column("at", .integer).notNull()
                t.column("actor", .text).notNull()                    // OS user or 'server'
                t.column("action", .text).notNull()
                t.column("subject", .text)                            // keyed hash, never the datum
                t.column("details", .text).notNull()                  // JSON: counts, rule ids, versions
                t.column("prev_hash", .blob).notNull()
                t.column("entry_hash", .blob).notNull()
            }
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .blob)
            }
        }

        m.registerMigration("v1: holds") { db in
            try db.create(table: "holds") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("subject_kind", .text).notNull()             // 'contact_request' or 'consent'
                t.column("subject", .text).notNull()                  // reference or consent id
                t.column("kind", .text).notNull()                     // 'open_request' or 'legal_hold'
                t.column("reason", .text)
                t.column("created_at", .integer).notNull()
            }
            try db.create(index: "holds_by_subject", on: "holds", columns: ["subject_kind", "subject"])
        }
        m.registerMigration("v2: ledger personal hash") { db in
            // Format 2 of the ledger's content hash (see LedgerEntry): anonymised entries keep a
            // provable choice. Format-1 rows (personal_hash NULL) verify as before.
            try db.alter(table: "consent_ledger") { t in t.add(column: "personal_hash", .blob) }
        }
        m.registerMigration("v3-issue14: wind-down steps") { db in
            // One row per completed step of `privacyctl wind-down` (owner: WindDownLog). Details are
            // JSON without personal data; the rows are the deletion records the archive law keeps.
            try db.create(table: "wind_down_steps") { t in
                t.primaryKey("step", .text)                           // WindDownStep
                t.column("completed_at", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("details", .text).notNull()
            }
        }
        return m
    }()
}
