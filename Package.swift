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
        .library(name: "KeyVaultConfiguration", targets: ["KeyVaultConfiguration"]),
        .library(name: "AzureCoreTesting", targets: ["AzureCoreTesting"]),
        .library(name: "KeyVaultTesting", targets: ["KeyVaultTesting"]),
        .executable(name: "akv-mount", targets: ["akv-mount"]),
        .executable(name: "akv-csi-provider", targets: ["akv-csi-provider"]),
        .executable(name: "akv-emulator", targets: ["akv-emulator"]),
        .executable(name: "mountwriter-bench", targets: ["mountwriter-bench"]),
    ],
    // Traits decide which package dependencies a client resolves: SwiftPM 6.3 drops a dependency whose every use,
    // in the targets reachable from this package's products, sits behind a trait the client did not enable.
    // The default enables everything, so this package's own build, tests and tools see every dependency.
    // A client of MountWriter alone declares `traits: []`; one of the Azure libraries `traits: ["Core"]`.
    traits: [
        .trait(name: "Core", description: "AzureCore, IdentityProviders, KeyVaultCore: swift-log, NIO, AsyncHTTPClient, swift-crypto, swift-certificates."),
        .trait(name: "Provider", description: "SecretsStoreProvider: Yams, swift-metrics.", enabledTraits: ["Core"]),
        .trait(name: "CSI", description: "CSIProvider: gRPC, SwiftProtobuf, ServiceLifecycle, Hummingbird, Prometheus.", enabledTraits: ["Provider"]),
        .trait(name: "Config", description: "KeyVaultConfiguration: swift-configuration, swift-service-lifecycle, swift-metrics.", enabledTraits: ["Core"]),
        .trait(name: "Testing", description: "AzureCoreTesting and KeyVaultTesting: Hummingbird, JWTKit, ServiceLifecycle.", enabledTraits: ["Core"]),
        .trait(name: "Tools", description: "The command-line tools, benchmarks and their support: swift-argument-parser.", enabledTraits: ["CSI", "Testing", "Config"]),
        .default(enabledTraits: ["Tools"]),
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
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.0.0", traits: [.defaults, "Logging"]),
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
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Core"])),
                .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["Core"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Core"])),
                .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["Core"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["Core"])),
                .product(name: "NIOFoundationCompat", package: "swift-nio", condition: .when(traits: ["Core"])),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IdentityProviders",
            dependencies: [
                "AzureCore",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["Core"])),
                .product(name: "_CryptoExtras", package: "swift-crypto", condition: .when(traits: ["Core"])),
                .product(name: "X509", package: "swift-certificates", condition: .when(traits: ["Core"])),
                .product(name: "SwiftASN1", package: "swift-asn1", condition: .when(traits: ["Core"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["Core"])),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KeyVaultCore",
            dependencies: [
                "AzureCore",
                "COpenSSL",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Core"])),
                .product(name: "SwiftASN1", package: "swift-asn1", condition: .when(traits: ["Core"])),
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
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "Yams", package: "Yams", condition: .when(traits: ["Provider"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Core"])),
                .product(name: "CoreMetrics", package: "swift-metrics", condition: .when(traits: ["Provider"])),
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
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "GRPCCore", package: "grpc-swift-2", condition: .when(traits: ["CSI"])),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport", condition: .when(traits: ["CSI"])),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf", condition: .when(traits: ["CSI"])),
                .product(name: "SwiftProtobuf", package: "swift-protobuf", condition: .when(traits: ["CSI"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["CSI"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["CSI"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Core"])),
                .product(name: "CoreMetrics", package: "swift-metrics", condition: .when(traits: ["CSI"])),
                .product(name: "Prometheus", package: "swift-prometheus", condition: .when(traits: ["CSI"])),
            ],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        // Key Vault secrets as a swift-configuration provider with a reload service.
        .target(
            name: "KeyVaultConfiguration",
            dependencies: [
                "AzureCore",
                "KeyVaultCore",
                .product(name: "Configuration", package: "swift-configuration", condition: .when(traits: ["Config"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Config"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "CoreMetrics", package: "swift-metrics", condition: .when(traits: ["Config"])),
            ],
            swiftSettings: swiftSettings
        ),
        // Light test support with no Key Vault in it: test CA, loopback HTTPS server, fault injection, manual clock,
        // log capture, scripted transport, static credential.
        .target(
            name: "AzureCoreTesting",
            dependencies: [
                "AzureCore",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Testing"])),
                .product(name: "HummingbirdTLS", package: "hummingbird", condition: .when(traits: ["Testing"])),
                .product(name: "X509", package: "swift-certificates", condition: .when(traits: ["Core"])),
                .product(name: "SwiftASN1", package: "swift-asn1", condition: .when(traits: ["Core"])),
                .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["Core"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["Core"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Core"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Core"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Testing"])),
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
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Core"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Testing"])),
                .product(name: "HummingbirdTLS", package: "hummingbird", condition: .when(traits: ["Testing"])),
                .product(name: "JWTKit", package: "jwt-kit", condition: .when(traits: ["Testing"])),
                .product(name: "X509", package: "swift-certificates", condition: .when(traits: ["Core"])),
                .product(name: "SwiftASN1", package: "swift-asn1", condition: .when(traits: ["Core"])),
                .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["Core"])),
                .product(name: "_CryptoExtras", package: "swift-crypto", condition: .when(traits: ["Core"])),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["Core"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Core"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Core"])),
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
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
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
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["Tools"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
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
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["Tools"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Tools"])),
                .product(name: "UnixSignals", package: "swift-service-lifecycle", condition: .when(traits: ["Tools"])),
                .product(name: "Prometheus", package: "swift-prometheus", condition: .when(traits: ["Tools"])),
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
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["Tools"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
                .product(name: "Yams", package: "Yams", condition: .when(traits: ["Tools"])),
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
        // The swift-configuration example: a Hummingbird service reading environment variables and Key Vault.
        .target(
            name: "ConfigServiceApp",
            dependencies: [
                "KeyVaultConfiguration",
                .product(name: "Configuration", package: "swift-configuration", condition: .when(traits: ["Tools"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Tools"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
            ],
            path: "Examples/config-service/App",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "config-service",
            dependencies: [
                "ConfigServiceApp", "KeyVaultConfiguration", "IdentityProviders",
                .product(name: "Configuration", package: "swift-configuration", condition: .when(traits: ["Tools"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Tools"])),
                .product(name: "UnixSignals", package: "swift-service-lifecycle", condition: .when(traits: ["Tools"])),
            ],
            path: "Examples/config-service/Main",
            swiftSettings: swiftSettings
        ),
        .target(name: "BenchSupport", path: "Examples/BenchSupport", swiftSettings: swiftSettings),
        .executableTarget(name: "provider-bench", dependencies: ["BenchSupport", "SecretsStoreProvider", "KeyVaultTesting", "AzureCoreTesting", "AzureCore", "KeyVaultCore", "IdentityProviders", "MountWriter", .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"]))], path: "Examples/provider-bench", swiftSettings: swiftSettings),
        // The library as a warm in-process client of an emulator in another process (Benchmarks/compare.sh).
        .executableTarget(
            name: "bench-library",
            dependencies: [
                "CommandSupport", "SecretsStoreProvider",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
            ],
            path: "Examples/bench-library",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "csi-bench",
            dependencies: [
                "BenchSupport", "CSIProvider", "KeyVaultTesting", "AzureCoreTesting", "AzureCore", "IdentityProviders",
                .product(name: "GRPCCore", package: "grpc-swift-2", condition: .when(traits: ["Tools"])),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport", condition: .when(traits: ["Tools"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Tools"])),
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
            name: "KeyVaultConfigurationTests",
            dependencies: [
                "KeyVaultConfiguration", "KeyVaultCore", "AzureCore", "AzureCoreTesting", "KeyVaultTesting", "IdentityProviders",
                "ConfigServiceApp",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
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

// The DocC plugin is a dependency only when the documentation is built (`Scripts/build-docs.sh` sets this), so that
// library clients never resolve it.
if Context.environment["AZURE_KEYVAULT_FILES_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.4.0"))
}

// The libFuzzer harness (`Scripts/fuzz.sh` sets this and builds with `--sanitize=fuzzer --sanitize=address`), so
// that neither library clients nor the ordinary build and tests ever see it. One executable holds every fuzz target;
// `AKV_FUZZ_TARGET` picks one at run time (see Fuzz/README.md).
if Context.environment["AZURE_KEYVAULT_FILES_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "akv-fuzz",
            dependencies: [
                "AzureCore", "IdentityProviders", "KeyVaultCore", "MountWriter", "SecretsStoreProvider",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Fuzz/Sources/akv-fuzz",
            // No `main`: libFuzzer's runtime provides it and calls `LLVMFuzzerTestOneInput`.
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
}
