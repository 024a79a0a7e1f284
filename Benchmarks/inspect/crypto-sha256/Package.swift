// swift-tools-version: 6.1
// A SHA-256 of one file with swift-crypto (BoringSSL), for Benchmarks/inspect/run.sh (CRYPTO=1) only: it shows
// what linking a cryptography library into the CLI would buy. Not part of ProvKit's build.
import PackageDescription

let package = Package(
    name: "crypto-sha256",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")],
    targets: [
        .executableTarget(name: "crypto-sha256", dependencies: [.product(name: "Crypto", package: "swift-crypto")])
    ]
)
