// swift-tools-version: 6.1
import Foundation
import PackageDescription

// A path dependency's package identity is its folder's name, which depends on where ProvKit was cloned.
let provKit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Benchmarks live in their own package so that the main build and CI never compile them.
// Run: swift run -c release --package-path Benchmarks ProvBenchmarks [--help]
let package = Package(
    name: "ProvKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "ProvBenchmarks",
            dependencies: [
                .product(name: "ProvModel", package: provKit),
                .product(name: "ProvStore", package: provKit),
                .product(name: "ProvStoreSQLite", package: provKit),
                .product(name: "ProvCapture", package: provKit),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/ProvBenchmarks"
        )
    ]
)
