// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ProvKit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "provkit", targets: ["ProvCLI"]),
        .executable(name: "provkit-example", targets: ["ProvExampleClassifierSweep"]),
        .library(name: "ProvModel", targets: ["ProvModel"]),
        .library(name: "ProvStore", targets: ["ProvStore"]),
        .library(name: "ProvStoreSQLite", targets: ["ProvStoreSQLite"]),
        .library(name: "ProvQuery", targets: ["ProvQuery"]),
        .library(name: "ProvImport", targets: ["ProvImport"]),
        .library(name: "ProvServer", targets: ["ProvServer"]),
        .library(name: "ProvCapture", targets: ["ProvCapture"]),
        .library(name: "ProvExport", targets: ["ProvExport"]),
        .library(name: "ProvAnalysis", targets: ["ProvAnalysis"]),
        .library(name: "ProvInspect", targets: ["ProvInspect"]),
        .library(name: "ProvTesting", targets: ["ProvTesting"]),
        .library(name: "ProvStorePostgres", targets: ["ProvStorePostgres"]),
    ],
    traits: [
        // PostgreSQL support (postgres-nio, NIOSSL, swift-crypto): `swift build --disable-default-traits` leaves the
        // whole stack out of `provkit`, which then refuses postgres:// stores with a message saying so.
        .trait(name: "Postgres", description: "The PostgreSQL store back-end (postgres-nio)."),
        .default(enabledTraits: ["Postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // SHA-256 for the CLI's file hashing; postgres-nio links swift-crypto already, so it costs nothing more.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Data model, identifiers, events and the taxonomy. No third-party dependency.
        .target(name: "ProvModel"),
        // The store protocol, its query and result types, and errors.
        .target(
            name: "ProvStore",
            dependencies: ["ProvModel", .product(name: "Logging", package: "swift-log")]
        ),
        // The embedded default back-end: SQLite through GRDB.
        .target(
            name: "ProvStoreSQLite",
            dependencies: [
                "ProvStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The shared back-end: PostgreSQL through postgres-nio (trait `Postgres`; without it the module is empty).
        .target(
            name: "ProvStorePostgres",
            dependencies: [
                "ProvStore", .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Query-side logic over any store: lineage graphs and their renderings, run filters, loading an experiment for
        // the analyses.
        .target(name: "ProvQuery", dependencies: ["ProvModel", "ProvStore", "ProvAnalysis"]),
        // The capture SDK: recorder, scopes, sinks, collectors. Light: no NIO, GRDB or BoringSSL.
        .target(
            name: "ProvCapture",
            dependencies: [
                "ProvModel", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Importers that turn third-party files (record trails, A4NN histories) into events.
        .target(name: "ProvImport", dependencies: ["ProvModel"]),
        // Standard exports (PROV-JSON, PROV-N, PROV-O, RO-Crate, DOT), PROV-JSON import, the taxonomy as an ontology.
        .target(name: "ProvExport", dependencies: ["ProvModel"]),
        // Aim C: feature tables, learning curves, feature strength, causal discovery and effects. Pure: values in,
        // values out.
        .target(name: "ProvAnalysis", dependencies: ["ProvModel"]),
        // Model and dataset inspectors (ONNX, safetensors, Hugging Face config, Keras JSON, CSV/TSV/JSON Lines,
        // folders) into taxonomy records. ONNX is read with swift-protobuf from committed generated code.
        .target(
            name: "ProvInspect",
            dependencies: ["ProvModel", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // The HTTP server: the MLflow tracking API, the artifact proxy and the native API, over any store.
        .target(
            name: "ProvServer",
            dependencies: [
                "ProvModel", "ProvStore", "ProvQuery", "ProvAnalysis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The `provkit` command line: the composition root.
        .executableTarget(
            name: "ProvCLI",
            dependencies: [
                "ProvModel", "ProvStore", "ProvStoreSQLite", "ProvQuery", "ProvImport", "ProvCapture", "ProvExport",
                "ProvServer", "ProvAnalysis", "ProvInspect",
                .target(name: "ProvStorePostgres", condition: .when(traits: ["Postgres"])),
                .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["Postgres"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // An example workflow instrumented with the SDK (Examples/ClassifierSweep); `provkit demo` runs it.
        .executableTarget(
            name: "ProvExampleClassifierSweep",
            dependencies: ["ProvCapture", "ProvModel", .product(name: "Logging", package: "swift-log")],
            path: "Examples/ClassifierSweep"
        ),
        // Test support: fixtures, temporary stores and the store conformance suite.
        .target(name: "ProvTesting", dependencies: ["ProvModel", "ProvStore"]),
        .testTarget(name: "ProvModelTests", dependencies: ["ProvModel", "ProvTesting"]),
        .testTarget(
            name: "ProvStoreSQLiteTests",
            dependencies: [
                "ProvStoreSQLite", "ProvTesting", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProvStorePostgresTests",
            dependencies: [
                "ProvStorePostgres", "ProvTesting", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "ProvQueryTests", dependencies: ["ProvQuery", "ProvStoreSQLite", "ProvTesting"]),
        .testTarget(name: "ProvImportTests", dependencies: ["ProvImport", "ProvStoreSQLite", "ProvTesting"]),
        .testTarget(
            name: "ProvExportTests",
            dependencies: [
                "ProvExport", "ProvStoreSQLite", "ProvTesting", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ProvCLITests", dependencies: ["ProvCLI", "ProvTesting"]),
        .testTarget(
            name: "ProvServerTests",
            dependencies: [
                "ProvServer", "ProvStoreSQLite", "ProvTesting", "ProvCapture",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProvAnalysisTests",
            dependencies: ["ProvAnalysis", "ProvQuery", "ProvStoreSQLite", "ProvTesting", "ProvImport"]),
        .testTarget(name: "ProvCaptureTests", dependencies: ["ProvCapture", "ProvStoreSQLite", "ProvTesting"]),
        .testTarget(
            name: "ProvInspectTests",
            dependencies: [
                "ProvInspect", "ProvCapture", "ProvTesting", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// Settings shared by every target.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
