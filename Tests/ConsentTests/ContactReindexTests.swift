import Foundation
import GRDB
import Testing
@testable import Consent
@testable import Vault

@Suite("E-mail spellings, the re-index, and unreadable contact requests")
struct ContactReindexTests {
    let box: Sandbox
    init() throws { box = try Sandbox() }

    static let unicode = "Juergen.Mueller@Bücherei-Südstadt.example"
    static let idna = "juergen.mueller@xn--bcherei-sdstadt-zvbi.example"

    @Test("a request sent from the Unicode spelling is found under the IDNA spelling and any case")
    func foundUnderEverySpelling() async throws {
        let reference = try await box.submit(email: Self.unicode)
        for spelling in [Self.unicode, Self.idna, Self.idna.uppercased(), "juergen.mueller@bu\u{0308}cherei-su\u{0308}dstadt.example"] {
            #expect(try await box.archive().find(email: spelling).map(\.reference) == [reference.rawValue], "\(spelling)")
        }
        #expect(try await box.archive().find(email: "juergen.mueller@buecherei-suedstadt.example").isEmpty)
    }

    /// Makes a stored row look as version 1.0 indexed it (trimmed and lower-cased only).
    func makeLegacy(_ reference: Reference, email: String) async throws {
        let legacy = Data(box.index.value(for: "email:" + EmailNormalisation.legacy(email)))
        try await box.store.pool.write { db in
            try db.execute(sql: "UPDATE contact_requests SET email_index = ? WHERE reference = ?", arguments: [legacy, reference.rawValue])
        }
    }

    @Test("rows indexed by 1.0: found by their own spelling at once, by every spelling after the re-index; a second run changes nothing")
    func reindex() async throws {
        let old = try await box.submit(email: Self.unicode)
        let plain = try await box.submit(name: "Erika", email: "erika@example.org")
        try await makeLegacy(old, email: Self.unicode)
        #expect(try await box.archive().find(email: Self.unicode).map(\.reference) == [old.rawValue])
        #expect(try await box.archive().find(email: Self.idna).isEmpty, "before the re-index the IDNA spelling misses it")

        let report = try await ContactReindex(archive: box.archive(), batchSize: 1).run()
        #expect(report == ContactReindex.Report(examined: 2, updated: 1, unreadable: []))
        #expect(try await box.archive().find(email: Self.idna).map(\.reference) == [old.rawValue])
        #expect(try await box.archive().find(email: "erika@example.org").map(\.reference) == [plain.rawValue])

        let again = try await ContactReindex(archive: box.archive()).run()
        #expect(again.updated == 0 && again.examined == 2)
    }

    @Test("one unopenable request is named with its reason; list, find and the re-index go on with the rest")
    func unreadableRow() async throws {
        let good = try await box.submit(name: "Erika", email: "erika@example.org")
        let bad = try await box.submit(name: "Max", email: "erika@example.org")
        try await box.store.pool.write { db in
            try db.execute(sql: "UPDATE contact_requests SET sealed = zeroblob(length(sealed)) WHERE reference = ?", arguments: [bad.rawValue])
        }
        let listed = try await box.archive().listOpened()
        #expect(listed.requests.map(\.reference) == [good.rawValue])
        #expect(listed.unreadable.map(\.reference) == [bad.rawValue])
        #expect(!(listed.unreadable.first?.reason.isEmpty ?? true))
        let found = try await box.archive().findOpened(email: "erika@example.org")
        #expect(found.requests.map(\.reference) == [good.rawValue] && found.unreadable.map(\.reference) == [bad.rawValue])
        let report = try await ContactReindex(archive: box.archive()).run()
        #expect(report.examined == 2 && report.unreadable.map(\.reference) == [bad.rawValue])
        let erased = try await box.erasure(at: "2024-07-01T10:00:00+02:00").erase(.email("erika@example.org"))
        #expect(erased.contactRequestsDeleted == 1 && erased.unreadable.map(\.reference) == [bad.rawValue])
    }
}
