import HTTPTypes
@testable import Consent
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import PrivacyServer
import Vault

/// The real server parts on a real database file in a temporary folder, with a key pair on disk.
final class ServerFixture: Sendable {
    let folder: URL
    let store: PrivacyDatabase
    let policy: Policy
    let keys: KeyDirectory
    let keyPair: VaultKeyPair
    let indexKey: IndexKey

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let policyPath = repoRoot.appendingPathComponent("policies/leinefelde-suedstadt.yaml").path
    /// While the programme ran: the contact form is open.
    static let during = Timestamp.parse("2024-06-01T12:00:00+02:00")!

    init(policy: Policy? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("privacy-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try PrivacyDatabase(path: folder.appendingPathComponent("privacy.sqlite").path)
        self.policy = try policy ?? PolicyParser.load(path: Self.policyPath)
        keys = KeyDirectory(path: folder.appendingPathComponent("keys").path)
        keyPair = try VaultKeyPair.generate()
        indexKey = try IndexKey.generate()
        var pass = Array("test passphrase".utf8)
        try keys.write(keyPair: keyPair, indexKey: indexKey, passphrase: try Passphrase(wiping: &pass),
                       limits: PasswordHashLimits(opsLimit: 1, memLimit: 8 << 20))
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func services(at instant: Date = ServerFixture.during) throws -> WebFacingServices {
        WebFacingServices(store: store, policy: policy, clock: FixedClock(instant), keys: try SealingKeys(keys: keys))
    }

    func application(at instant: Date = ServerFixture.during, rateLimit: Int? = nil,
                     allowedOrigins: [String] = []) throws -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return buildApplication(services: try services(at: instant),
                                configuration: ServerConfiguration(rateLimitPerMinute: rateLimit, purgeIntervalSeconds: nil,
                                                                   allowedOrigins: allowedOrigins),
                                logger: logger)
    }

    var archive: ContactArchive {
        ContactArchive(store: store, opener: Opener(keyPair: keyPair), index: BlindIndex(key: indexKey))
    }

    func ledgerCount() async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM consent_ledger") ?? 0 }
    }

    func contactCount() async throws -> Int {
        try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contact_requests") ?? 0 }
    }
}

extension ByteBuffer {
    init(json: String) { self.init(string: json) }
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

/// The body of a JSON answer.
func object(_ response: TestResponse) throws -> [String: Any] {
    let data = Data(response.body.readableBytesView)
    guard let dict = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw CocoaError(.coderReadCorrupt)
    }
    return dict
}

/// The `error` object of an error envelope.
func envelope(_ response: TestResponse) throws -> [String: Any] {
    try (object(response)["error"] as? [String: Any]) ?? [:]
}

let validConsent = #"{"policy_version":"2024-03-01","method":"accept_all","purposes":{"necessary":true,"external_media":true}}"#
let validContact = #"{"name":"Erika Mustermann","email":"erika@example.org","phone":"+49 3605 1234","message":"Bitte um Rückruf wegen des Nachbarschaftsfests.","callback_time":"Di 15-18 Uhr","privacy_notice_accepted":true}"#

/// The JSON object of an answer, or an empty one (a test then fails on its fields).
func json(_ response: TestResponse) -> [String: Any] {
    (try? object(response)) ?? [:]
}

func errorCode(_ response: TestResponse) -> String? {
    (try? envelope(response))?["code"] as? String
}

func errorFields(_ response: TestResponse) -> [String: String]? {
    (try? envelope(response))?["fields"] as? [String: String]
}
