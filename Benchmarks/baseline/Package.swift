// swift-tools-version:6.1
import PackageDescription

/// The do-nothing Hummingbird 2 server that `scripts/bench` measures first, in the same run as the
/// engine: the ceiling the engine's HTTP figures are compared with (issue 16); and the durable
/// do-nothing server, which only appends one synced row per POST: the ceiling of a durable write on
/// the same HTTP and storage stack. Their own package, so that they never slow the engine's build or
/// `scripts/test`.
let package = Package(
    name: "baseline-server",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(
            name: "BaselineAnswers",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "baseline-server",
            dependencies: ["BaselineAnswers", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "durable-baseline-server",
            dependencies: [
                "BaselineAnswers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
