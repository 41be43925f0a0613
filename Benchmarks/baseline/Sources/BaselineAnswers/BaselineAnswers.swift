import Hummingbird

// The constant answers of both baseline servers (scripts/bench).

/// The engine's 201 for a consent is about this long (consent id, times, purposes, services, receipt).
public let consentAnswer = ByteBuffer(string: """
    {"consent_id":"3q2f8GkT0mWcXbYzA1B2C3D4E5F6G7H8","recorded_at":"2024-06-01T10:00:00.000Z",\
    "expires_at":"2025-06-01T10:00:00.000Z","policy_version":"2024-03-01","method":"accept_selection",\
    "source":"web","purposes":{"necessary":true,"external_media":false},\
    "services":{"youtube":false,"google_maps":false},"expired":false,"policy_outdated":false,\
    "gpc":false,"gpc_conflict":false,"receipt":{"sequence":17,\
    "entry_hash":"9f2c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",\
    "texts_hash":"0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b"}}
    """)
public let healthAnswer = ByteBuffer(string: #"{"status":"ok"}"#)
public let json: HTTPFields = [.contentType: "application/json; charset=utf-8"]

