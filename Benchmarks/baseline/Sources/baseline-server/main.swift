import BaselineAnswers
import Hummingbird

/// A Hummingbird 2 server that does nothing but HTTP, for `scripts/bench`:
///
/// - `GET /healthz` answers a constant `{"status":"ok"}`;
/// - `POST /v1/consents` collects the request body (up to 64 KiB, as the engine does) and answers
///   201 with a constant JSON body as long as the engine's answer to a consent.
///
/// Usage: `baseline-server PORT` (127.0.0.1). No middleware, no database, no validation: whatever
/// the engine does per request beyond this is the engine's own cost.
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8090 : 8090

let router = Router()
router.get("/healthz") { _, _ in
    Response(status: .ok, headers: json, body: .init(byteBuffer: healthAnswer))
}
router.post("/v1/consents") { request, _ in
    _ = try await request.body.collect(upTo: 64 * 1024)
    return Response(status: .created, headers: json, body: .init(byteBuffer: consentAnswer))
}

let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
