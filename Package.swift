// swift-tools-version:6.1
import PackageDescription

/// The GDPR consent and privacy engine.
///
/// - `CSodium`: the system libsodium (Debian `libsodium-dev`), imported as C.
/// - `Vault`: sealing contact data with a public key, opening it with the DPO's secret key.
/// - `Consent`: the domain — policy, consent ledger, contact requests, retention, audit log, store.
/// - `PrivacyServer`: the website's HTTP API (Hummingbird 2), thin over `Consent`.
/// - `privacyctl`: the DPO's command-line tool; `privacyctl serve` runs `PrivacyServer`.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "privacy-engine",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "privacyctl", targets: ["privacyctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(
            name: "Vault",
            dependencies: ["CSodium"],
            swiftSettings: strict
        ),
        .target(
            name: "Consent",
            dependencies: [
                "Vault",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PrivacyServer",
            dependencies: [
                "Consent",
                "Vault",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "privacyctl",
            dependencies: [
                "Consent",
                "Vault",
                "PrivacyServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "VaultTests", dependencies: ["Vault"], swiftSettings: strict),
        .testTarget(
            name: "ConsentTests",
            dependencies: ["Consent", "Vault", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PrivacyServerTests",
            dependencies: [
                "PrivacyServer", "Consent", "Vault",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "privacyctlTests",
            dependencies: ["Consent", "Vault", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
    ]
)
