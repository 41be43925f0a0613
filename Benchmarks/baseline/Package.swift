// swift-tools-version:6.1
import PackageDescription

/// The do-nothing Hummingbird 2 server that `scripts/bench` measures first, in the same run as the
/// engine: the ceiling the engine's HTTP figures are compared with (issue 16). Its own package, so
/// that it never slows the engine's build or `scripts/test`.
let package = Package(
    name: "baseline-server",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "baseline-server",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
