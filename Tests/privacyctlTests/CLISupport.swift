import Consent
import Foundation
import Vault

/// Runs the real `privacyctl` binary against real files in a temporary folder.
final class CLIFixture: @unchecked Sendable {
    let folder: URL
    let passphrase = "correct horse battery staple"
    var database: String { folder.appendingPathComponent("data/privacy.sqlite").path }
    var keyDir: String { folder.appendingPathComponent("data/keys").path }

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let policyPath = repoRoot.appendingPathComponent("policies/leinefelde-suedstadt.yaml").path
    static let during = "2024-06-01T12:00:00+02:00"

    /// The binary next to the test bundle (`swift build --build-tests` builds both), or `$PRIVACYCTL`.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["PRIVACYCTL"], !path.isEmpty { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("privacyctl")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside.path }
        return repoRoot.appendingPathComponent(".build/debug/privacyctl").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    init(initialise: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("privacyctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if initialise {
            let result = run(["init"])
            guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": result.stderr]) }
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PRIVACY_") { env.removeValue(forKey: key) }
        env["PRIVACY_DATABASE"] = database
        env["PRIVACY_KEY_DIR"] = keyDir
        env["PRIVACY_POLICY"] = Self.policyPath
        env["PRIVACY_PASSPHRASE"] = passphrase
        env["PRIVACY_NOW"] = Self.during
        return env
    }

    /// Runs `privacyctl args…` to completion. `env` adds to (or, with an empty value, removes from)
    /// the fixture's environment.
    @discardableResult
    func run(_ args: [String], env: [String: String] = [:]) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = args
        var environment = self.environment
        for (k, v) in env { environment[k] = v.isEmpty ? nil : v }
        process.environment = environment
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return Result(status: -1, stdout: "", stderr: "\(error)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    // MARK: Seeding through the domain, as the server would

    func store() throws -> PrivacyDatabase { try PrivacyDatabase(path: database) }

    func policy() throws -> Policy { try PolicyParser.load(path: Self.policyPath) }

    func recordConsent(method: ConsentMethod = .acceptAll, at instant: String = CLIFixture.during, id: ConsentID? = nil) async throws -> ConsentState {
        let ledger = ConsentLedger(store: try store(), policy: try policy(), clock: FixedClock(Timestamp.parse(instant)!))
        return try await ledger.record(ConsentChoice(consentID: id, policyVersion: "2024-03-01", purposes: [:], method: method),
                                       provenance: Provenance(ipPrefix: "203.0.113.0", userAgent: "Test/1", globalPrivacyControl: false))
    }

    func submitContact(name: String, email: String, consentID: String? = nil, at instant: String = CLIFixture.during) async throws -> Reference {
        let intake = ContactIntake(store: try store(), policy: try policy(), clock: FixedClock(Timestamp.parse(instant)!),
                                   keys: try SealingKeys(keys: KeyDirectory(path: keyDir)))
        let form = try ContactForm(name: name, email: email, phone: "+49 3605 555", message: "Nachricht von \(name)",
                                   callbackTime: "Mo 11-14", privacyNoticeAccepted: true, consentID: consentID)
        return try await intake.submit(form)
    }

    /// The database file and its WAL, as bytes on disk.
    func bytesOnDisk() throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: database))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: database + "-wal")) { data.append(wal) }
        return data
    }
}

extension Data {
    func contains(_ bytes: some Sequence<UInt8>) -> Bool { range(of: Data(bytes)) != nil }
}
