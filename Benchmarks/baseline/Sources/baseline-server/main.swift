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

/// The engine's 201 for a consent is about this long (consent id, times, purposes, services, receipt).
let consentAnswer = ByteBuffer(string: """
    {"consent_id":"3q2f8GkT0mWcXbYzA1B2C3D4E5F6G7H8","recorded_at":"2024-06-01T10:00:00.000Z",\
    "expires_at":"2025-06-01T10:00:00.000Z","policy_version":"2024-03-01","method":"accept_selection",\
    "source":"web","purposes":{"necessary":true,"external_media":false},\
    "services":{"youtube":false,"google_maps":false},"expired":false,"policy_outdated":false,\
    "gpc":false,"gpc_conflict":false,"receipt":{"sequence":17,\
    "entry_hash":"9f2c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",\
    "texts_hash":"0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b"}}
    """)
let healthAnswer = ByteBuffer(string: #"{"status":"ok"}"#)
let json: HTTPFields = [.contentType: "application/json; charset=utf-8"]

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
