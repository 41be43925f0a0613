import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

/// Binds a statement's values one by one, each through GRDB's own `StatementBinding` (the same
/// `sqlite3_bind_*` call GRDB makes), for the inserts on the writer's hot path.
///
/// `execute(arguments:)` first builds an array of existential values, converts each to a
/// `DatabaseValue` and checks the array against the statement, then binds and releases it all:
/// for the ledger's 25-column row and its Merkle hashes that cost more than SQLite's insert, on
/// the writer's thread — the one serial stage of a durable request. GRDB still resets and runs
/// the statement (`setUncheckedArguments`, `execute()`: its hooks, its errors); only the binding
/// is done here, and the count is checked against the statement's parameters before it runs.
struct StatementBinder {
    private let statement: SQLiteStatement
    private var index: CInt = 1
    private var failure: CInt = SQLITE_OK

    fileprivate init(_ statement: SQLiteStatement) { self.statement = statement }

    /// Binds the next parameter (`nil` binds NULL).
    mutating func callAsFunction(_ value: some StatementBinding) {
        let code = value.bind(to: statement, at: index)
        if code != SQLITE_OK && failure == SQLITE_OK { failure = code }
        index += 1
    }

    /// Binds a text as GRDB binds a `String` (its UTF-8 up to the first NUL, copied by SQLite:
    /// `SQLITE_TRANSIENT`), straight from the string's storage. GRDB hands the `String` to
    /// `sqlite3_bind_text` as a C string, which Swift makes with `utf8CString`: one array
    /// allocated and copied per text column, a dozen per ledger row, on the writer's thread.
    mutating func callAsFunction(_ value: String) {
        var text = value
        let code = text.withUTF8 { bytes in
            let length = bytes.firstIndex(of: 0) ?? bytes.count
            guard let start = bytes.baseAddress, length > 0 else {
                // An empty text, not NULL (SQLite binds a null pointer as NULL).
                return sqlite3_bind_text(statement, index, "", 0, BlobBytes.transient)
            }
            return start.withMemoryRebound(to: CChar.self, capacity: length) {
                sqlite3_bind_text(statement, index, $0, CInt(length), BlobBytes.transient)
            }
        }
        if code != SQLITE_OK && failure == SQLITE_OK { failure = code }
        index += 1
    }

    /// A text, or NULL.
    mutating func callAsFunction(_ value: String?) {
        guard let value else { return callAsFunction(nil as Int64?) }
        callAsFunction(value)
    }

    fileprivate func check(_ statement: Statement) throws {
        let expected = sqlite3_bind_parameter_count(self.statement)
        guard failure == SQLITE_OK, index - 1 == expected else {
            throw DatabaseError(resultCode: failure == SQLITE_OK ? .SQLITE_RANGE : ResultCode(rawValue: failure),
                                message: "bound \(index - 1) of \(expected) parameters", sql: statement.sql)
        }
    }
}

extension Statement {
    /// Binds every parameter in order with `bind`, then executes the statement.
    func execute(binding bind: (inout StatementBinder) -> Void) throws {
        // Resets the statement and clears the previous bindings; binds nothing itself.
        setUncheckedArguments(StatementArguments())
        var binder = StatementBinder(sqliteStatement)
        bind(&binder)
        try binder.check(self)
        try execute()
    }
}

/// A blob bound straight from a byte array, as GRDB binds a `Data` (SQLite copies it:
/// `SQLITE_TRANSIENT`): the Merkle tree's hashes are `[UInt8]`, and wrapping each in a `Data`
/// first cost two allocations per hash on the writer's thread. An empty array binds as an empty
/// `Data` does.
struct BlobBytes: StatementBinding {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func bind(to sqliteStatement: SQLiteStatement, at index: CInt) -> CInt {
        guard !bytes.isEmpty else { return Data().bind(to: sqliteStatement, at: index) }
        return bytes.withUnsafeBytes {
            sqlite3_bind_blob(sqliteStatement, index, $0.baseAddress, CInt($0.count), Self.transient)
        }
    }

    /// SQLite's `SQLITE_TRANSIENT`: copy the bytes before the call returns.
    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
