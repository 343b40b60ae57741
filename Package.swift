// swift-tools-version:6.1
//
// AzureKeyVaultFiles: Azure Key Vault secrets, keys and certificates projected into files,
// as a suite of small Swift libraries (see ARCHITECTURE.md).

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "AzureKeyVaultFiles",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AzureCore", targets: ["AzureCore"]),
        .library(name: "IdentityProviders", targets: ["IdentityProviders"]),
        .library(name: "KeyVaultCore", targets: ["KeyVaultCore"]),
        .library(name: "MountWriter", targets: ["MountWriter"]),
        .library(name: "SecretsStoreProvider", targets: ["SecretsStoreProvider"]),
        .library(name: "CSIProvider", targets: ["CSIProvider"]),
        .library(name: "AzureCoreTesting", targets: ["AzureCoreTesting"]),
        .library(name: "KeyVaultTesting", targets: ["KeyVaultTesting"]),
        .executable(name: "akv-mount", targets: ["akv-mount"]),
        .executable(name: "akv-csi-provider", targets: ["akv-csi-provider"]),
        .executable(name: "akv-emulator", targets: ["akv-emulator"]),
        .executable(name: "mountwriter-bench", targets: ["mountwriter-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: System libraries

        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        // MARK: Libraries

        .target(
            name: "AzureCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IdentityProviders",
            dependencies: [
                "AzureCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KeyVaultCore",
            dependencies: [
                "AzureCore",
                "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MountWriter",
            dependencies: [],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SecretsStoreProvider",
            dependencies: [
                "AzureCore",
                "IdentityProviders",
                "KeyVaultCore",
                "MountWriter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSIProvider",
            dependencies: [
                "AzureCore",
                "IdentityProviders",
                "KeyVaultCore",
                "SecretsStoreProvider",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        // Light test support with no Key Vault in it: test CA, loopback HTTPS server, fault injection, manual clock,
        // log capture, scripted transport, static credential.
        .target(
            name: "AzureCoreTesting",
            dependencies: [
                "AzureCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The emulators (Entra ID, IMDS, OIDC issuer, Key Vault) and AzureEmulators, on AzureCoreTesting.
        .target(
            name: "KeyVaultTesting",
            dependencies: [
                "AzureCore",
                "AzureCoreTesting",
                "KeyVaultCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables (Examples/)

        // Shared by the command-line tools: inputs, provider configuration from flags and environment, signals.
        // Never links KeyVaultTesting.
        .target(
            name: "CommandSupport",
            dependencies: [
                "AzureCore",
                "MountWriter",
                "SecretsStoreProvider",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/CommandSupport",
            swiftSettings: swiftSettings
        ),
        // Production executables: neither links KeyVaultTesting.
        .executableTarget(
            name: "akv-mount",
            dependencies: [
                "CommandSupport",
                "AzureCore",
                "MountWriter",
                "SecretsStoreProvider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/akv-mount",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "akv-csi-provider",
            dependencies: [
                "CommandSupport",
                "CSIProvider",
                "AzureCore",
                "SecretsStoreProvider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Examples/akv-csi-provider",
            swiftSettings: swiftSettings
        ),
        // The emulators as a process of their own (`serve`) and the demo against them.
        .executableTarget(
            name: "akv-emulator",
            dependencies: [
                "CommandSupport",
                "AzureCore",
                "SecretsStoreProvider",
                "KeyVaultTesting",
                "AzureCoreTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Examples/akv-emulator",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mountwriter-bench",
            dependencies: ["MountWriter"],
            path: "Examples/mountwriter-bench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mountwriter-crash-child",
            dependencies: ["MountWriter"],
            path: "Examples/mountwriter-crash-child",
            swiftSettings: swiftSettings
        ),
        .target(name: "BenchSupport", path: "Examples/BenchSupport", swiftSettings: swiftSettings),
        .executableTarget(name: "provider-bench", dependencies: ["BenchSupport", "SecretsStoreProvider", "KeyVaultTesting", "AzureCoreTesting", "AzureCore", "KeyVaultCore", "IdentityProviders", "MountWriter", .product(name: "Logging", package: "swift-log")], path: "Examples/provider-bench", swiftSettings: swiftSettings),
        .executableTarget(
            name: "csi-bench",
            dependencies: [
                "BenchSupport", "CSIProvider", "KeyVaultTesting", "AzureCoreTesting", "AzureCore", "IdentityProviders",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/csi-bench",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests (one target per library target, plus end-to-end)

        .testTarget(
            name: "AzureCoreTests",
            dependencies: [
                "AzureCore", "AzureCoreTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IdentityProvidersTests",
            dependencies: ["IdentityProviders", "AzureCore", "AzureCoreTesting", "KeyVaultTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KeyVaultCoreTests",
            dependencies: ["KeyVaultCore", "AzureCore", "IdentityProviders", "AzureCoreTesting", "KeyVaultTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MountWriterTests",
            dependencies: ["MountWriter"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SecretsStoreProviderTests",
            dependencies: ["SecretsStoreProvider", "KeyVaultTesting", "AzureCoreTesting", "IdentityProviders", "KeyVaultCore", "MountWriter", "AzureCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSIProviderTests",
            dependencies: [
                "CSIProvider", "SecretsStoreProvider", "KeyVaultTesting", "AzureCoreTesting", "AzureCore", "KeyVaultCore", "IdentityProviders",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KeyVaultTestingTests",
            dependencies: ["KeyVaultTesting", "AzureCoreTesting", "AzureCore", "KeyVaultCore", "IdentityProviders"],
            swiftSettings: swiftSettings
        ),
    ]
)
