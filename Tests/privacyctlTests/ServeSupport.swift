import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The real `privacyctl serve` on a free loopback port, on a ``CLIFixture``'s files, and plain
/// HTTP to it: one helper for every suite that starts a server.
protocol ServeSupport {}

extension ServeSupport {
    /// A free loopback port (bound, read, released).
    func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Starts `privacyctl serve --port PORT --no-rate-limit ARGUMENTS…` without the passphrase (the
    /// server needs no secret); `env` adds to the fixture's environment. Output goes to `log`, or
    /// nowhere.
    func startServer(_ cli: CLIFixture, port: Int, arguments: [String] = [], env extra: [String: String] = [:],
                     log: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIFixture.binary)
        process.arguments = ["serve", "--port", String(port), "--no-rate-limit"] + arguments
        var env = cli.environment
        env.removeValue(forKey: "PRIVACY_PASSPHRASE")
        env.merge(extra) { $1 }
        process.environment = env
        process.currentDirectoryURL = cli.folder
        if let log {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Starts the server on a free port and waits until it is healthy; `stop()` it when done.
    func startHealthyServer(_ cli: CLIFixture) async throws -> RunningServer {
        let port = freePort()
        let server = RunningServer(process: try startServer(cli, port: port), base: "http://127.0.0.1:\(port)")
        try await waitUntilHealthy(server.base)
        return server
    }

    /// One request; the status and the JSON body (empty when the body is not a JSON object).
    func request(_ method: String, _ url: String, body: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// Waits (up to 15 s) until `GET /healthz` answers 200.
    func waitUntilHealthy(_ base: String) async throws {
        for _ in 0..<150 {
            if let (status, _) = try? await request("GET", base + "/healthz"), status == 200 { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("the server did not become healthy")
    }
}

/// A `privacyctl serve` process and the address it answers on.
struct RunningServer {
    let process: Process
    /// `http://127.0.0.1:PORT`.
    let base: String

    /// Terminates the server and waits for it to exit.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
