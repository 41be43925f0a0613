import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The real server and the real CLI on the same files, as the office runs them.
@Suite("privacyctl serve with the DPO's commands", .serialized)
struct ServerEndToEndTests: ServeSupport {
    @Test("the website records, the DPO reads, revokes, rotates keys under a running server, and erases")
    func officeDay() async throws {
        let cli = try CLIFixture()
        let server = try await startHealthyServer(cli)
        defer { server.stop() }
        let base = server.base

        let (s1, consent) = try await request("POST", base + "/v1/consents",
                                              body: #"{"policy_version":"2024-03-01","method":"accept_all","purposes":{"necessary":true,"external_media":true}}"#)
        #expect(s1 == 201)
        let id = try #require(consent["consent_id"] as? String)
        let (s2, created) = try await request("POST", base + "/v1/contact-requests",
                                              body: #"{"name":"Erika Mustermann","email":"erika@example.org","message":"Rückruf bitte","callback_time":"Mo 11-14","privacy_notice_accepted":true,"consent_id":"\#(id)"}"#)
        #expect(s2 == 201)
        let reference = try #require(created["reference"] as? String)

        // The DPO reads what the server sealed (the server itself could not).
        let shown = cli.run(["contacts", "show", reference, "--json"])
        #expect((shown.json as? [String: Any])?["name"] as? String == "Erika Mustermann")

        // A revocation by letter shows through the API.
        #expect(cli.run(["consent", "revoke", id, "--reason", "letter"]).status == 0)
        let (_, state) = try await request("GET", base + "/v1/consents/\(id)")
        #expect(state["method"] as? String == "withdraw")

        // Key rotation while the server runs: old and new requests open with the new key only.
        let oldKey = try Data(contentsOf: URL(fileURLWithPath: cli.keyDir + "/vault.key"))
        let rotated = cli.run(["keys", "rotate", "--json"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect((rotated.json as? [String: Any])?["resealed"] as? Int == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.keyDir + "/vault.key")) != oldKey)
        let (s3, second) = try await request("POST", base + "/v1/contact-requests",
                                             body: #"{"name":"Max","email":"max@example.org","message":"Hallo","privacy_notice_accepted":true}"#)
        #expect(s3 == 201)
        let list = try #require(cli.run(["contacts", "list", "--json"]).json as? [[String: Any]])
        #expect(Set(list.compactMap { $0["reference"] as? String }) == [reference, second["reference"] as? String ?? ""])
        #expect(Set(list.compactMap { $0["key_id"] as? String }).count == 1)

        // Erasure while the server runs: gone through the API too.
        #expect(cli.run(["erase", "--email", "erika@example.org"]).status == 0)
        let (s4, _) = try await request("GET", base + "/v1/consents/\(id)")
        #expect(s4 == 404)
        #expect(cli.run(["audit", "verify"]).status == 0)
        let (s5, _) = try await request("GET", base + "/healthz")
        #expect(s5 == 200)
    }

    @Test("SIGTERM stops the server cleanly: exit 0 and a clean shutdown line, no CancellationError")
    func cleanStop() async throws {
        let cli = try CLIFixture()
        let port = freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIFixture.binary)
        process.arguments = ["serve", "--port", String(port), "--no-rate-limit"]
        process.environment = cli.environment
        let err = Pipe()
        process.standardOutput = err
        process.standardError = err
        try process.run()
        try await waitUntilHealthy("http://127.0.0.1:\(port)")
        let (status, _) = try await request("POST", "http://127.0.0.1:\(port)/v1/consents",
                                            body: #"{"policy_version":"2024-03-01","method":"reject_all"}"#)
        #expect(status == 201)
        kill(process.processIdentifier, SIGTERM)
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(output)")
        #expect(output.contains("stopped cleanly"))
        #expect(!output.contains("CancellationError"))
    }
}
