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
        m.registerMigration("v3-issue11-texts: policy texts kept") { db in
            // The complete texts of each policy version and language, addressed by the texts_hash
            // that ledger entries record (see PolicyTextArchive, docs/texts.md). Never updated.
            try db.create(table: "policy_texts") { t in
                t.primaryKey("texts_hash", .blob)                     // BLAKE2b-256 of document
                t.column("policy_version", .text).notNull()
                t.column("language", .text).notNull()
                t.column("document", .text).notNull()                 // canonical texts-v2 JSON
                t.column("kept_at", .integer).notNull()
                t.uniqueKey(["policy_version", "language"])
            }
        }
        m.registerMigration("v3-i13: requests from people") { db in
            // The register of Art. 12–22 requests (owner: RequestRegister). The person is named only by
            // a keyed hash and by their identifier sealed to the vault key; dates are YYYY-MM-DD.
            try db.create(table: "data_requests") { t in
                t.primaryKey("id", .text)                             // RQ-…
                t.column("type", .text).notNull()
                t.column("subject_kind", .text).notNull()             // 'email' or 'consent_id'
                t.column("subject_hash", .text).notNull()             // keyed hash, as in the audit log
                t.column("subject_sealed", .blob).notNull()           // SealedBox of the address or id
                t.column("key_id", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("received", .text).notNull()
                t.column("first_due", .text).notNull()
                t.column("due", .text).notNull()
                t.column("identity_method", .text)
                t.column("identity_verified_on", .text)
                t.column("opened_at", .integer).notNull()
                t.column("extended_at", .integer)
                t.column("extension_reason", .text)
                t.column("person_told_on", .text)
                t.column("closed_on", .text)
                t.column("outcome", .text)
                t.column("note", .text)
                t.column("runs", .text).notNull().defaults(to: "[]")  // JSON: what answered it
            }
            try db.create(index: "data_requests_by_due", on: "data_requests", columns: ["closed_on", "due"])
            try db.alter(table: "holds") { t in
                t.add(column: "until", .integer)                      // ms; a hold past it keeps nothing
                t.add(column: "request_id", .text)                    // the request an open_request hold serves
            }
        }
        m.registerMigration("v3-issue11: transparency log") { db in
            // RFC 9162 Merkle trees over the ledger and the audit log (see docs/transparency-log.md).
            try db.alter(table: "consent_ledger") { t in
                t.add(column: "leaf", .blob)                                  // fixed at append, never changed
                t.add(column: "leaf_salt", .blob)                             // personal: removed by redaction
            }
            try db.create(table: "merkle_hashes", options: [.withoutRowID]) { t in
                t.column("tree", .integer).notNull()                          // 0 consent ledger, 1 audit log
                t.column("idx", .integer).notNull()                           // tlog stored-hash index
                t.column("hash", .blob).notNull()
                t.primaryKey(["tree", "idx"])
            }
            try db.create(table: "checkpoints") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("created_at", .integer).notNull()
                t.column("tree_size", .integer).notNull()
                t.column("root_hash", .blob).notNull()
                t.column("audit_log_size", .integer).notNull()
                t.column("audit_log_root", .blob).notNull()
                t.column("note", .text).notNull()                             // the signed note, as issued
            }
            try db.create(table: "vault_key_pins") { t in
                t.primaryKey("fingerprint", .text)                            // SHA-256 of the public key, hex
                t.column("key_id", .text).notNull()
                t.column("pinned_at", .integer).notNull()
                t.column("statement", .text).notNull()                        // signed note by audit.key
            }
            try TreeBackfill.run(db)
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
