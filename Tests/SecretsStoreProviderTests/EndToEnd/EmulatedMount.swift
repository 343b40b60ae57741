import AzureCore
import Foundation
import KeyVaultTesting
import Logging
import MountWriter
import SecretsStoreProvider
import Testing

/// The emulators, a provider configured for them, and request builders for each identity mode.
struct EmulatedMount {
    typealias Sample = AzureEmulatorSeed.Sample
    let emulators: AzureEmulators
    let transport: AsyncHTTPClientTransport
    let provider: KeyVaultProvider
    let root: URL

    static let pod = ["csi.storage.k8s.io/pod.name": "pod1", "csi.storage.k8s.io/pod.namespace": Sample.serviceAccountNamespace]

    /// Starts the emulators with the sample seed, runs `body`, and always stops them.
    static func run(
        logger: Logger = Logger(label: "e2e", factory: { _ in SwiftLogNoOpLogHandler() }),
        configure: (inout ProviderConfiguration) -> Void = { _ in },
        _ body: (EmulatedMount) async throws -> Void
    ) async throws {
        var quiet = logger
        quiet.logLevel = .critical
        let emulators = try await AzureEmulators.start(seed: .sample, logger: quiet)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("akv-e2e-\(UUID().uuidString)")
        do {
            let transport = try AsyncHTTPClientTransport(configuration: .init(caBundlePath: emulators.caFile.path), environment: [:])
            var configuration = ProviderConfiguration(
                transport: transport,
                authorityHost: emulators.entra.authorityHost,
                imdsEndpoint: emulators.imds.endpoint,
                vaultURLs: emulators.vaultURLs,
                verifyChallengeResource: false,
                logger: logger
            )
            configure(&configuration)
            let provider = KeyVaultProvider(configuration: configuration)
            let mount = EmulatedMount(emulators: emulators, transport: transport, provider: provider, root: root)
            do {
                try await body(mount)
            } catch {
                try? await transport.shutdown()
                throw error
            }
            try? await transport.shutdown()
        } catch {
            await emulators.stop()
            try? FileManager.default.removeItem(at: root)
            throw error
        }
        await emulators.stop()
        try? FileManager.default.removeItem(at: root)
    }

    static func objects(_ entries: [String]) -> String {
        "array:\n" + entries.map { "  - |\n" + $0.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }.joined(separator: "\n")
    }

    func serviceAccountToken(namespace: String = Sample.serviceAccountNamespace, name: String = Sample.serviceAccountName) throws -> String {
        try emulators.oidcIssuer.mintServiceAccountToken(namespace: namespace, serviceAccount: name)
    }

    func tokensAttribute(_ token: String) throws -> String {
        let json = try JSONSerialization.data(withJSONObject: [
            "api://AzureADTokenExchange": ["token": token, "expirationTimestamp": "2099-01-01T00:00:00Z"],
        ])
        return String(decoding: json, as: UTF8.self)
    }

    enum Identity {
        case addon, userAssigned, workload(token: String? = nil), servicePrincipal(clientID: String = Sample.servicePrincipal.clientID, secret: String = Sample.servicePrincipal.secret ?? "")
    }

    func request(_ identity: Identity, objects: [String], extra: [String: String] = [:]) throws -> MountRequest {
        var parameters: [String: String] = [
            "keyvaultName": Sample.vaultName, "tenantID": Sample.tenantID, "objects": Self.objects(objects),
        ]
        parameters.merge(Self.pod) { a, _ in a }
        var secrets: [String: String] = [:]
        switch identity {
        case .addon:
            parameters["useVMManagedIdentity"] = "true"
            parameters["userAssignedIdentityID"] = Sample.addonIdentity.clientID
        case .userAssigned:
            parameters["useVMManagedIdentity"] = "true"
            parameters["userAssignedIdentityID"] = Sample.userAssignedIdentity.clientID
        case .workload(let token):
            parameters["clientID"] = Sample.workloadIdentity.clientID
            parameters["csi.storage.k8s.io/serviceAccount.tokens"] = try tokensAttribute(try token ?? serviceAccountToken())
        case .servicePrincipal(let id, let secret):
            secrets = ["clientid": id, "clientsecret": secret]
        }
        parameters.merge(extra) { _, new in new }
        return MountRequest(parameters: parameters, secrets: secrets)
    }

    func directory(_ name: String) -> String { root.appendingPathComponent(name).path }

    func read(_ directory: String, _ path: String) throws -> String {
        try String(contentsOfFile: directory + "/" + path, encoding: .utf8)
    }

    func readBytes(_ directory: String, _ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path)))
    }
}

/// Runs `body`, which must fail with a provider error, and returns that error (nil, and a recorded issue, otherwise).
func providerError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> SecretsStoreProviderError? {
    do {
        try await body()
        Issue.record("expected a SecretsStoreProviderError, but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as SecretsStoreProviderError {
        return error
    } catch {
        Issue.record(error, "expected a SecretsStoreProviderError, got \(type(of: error))", sourceLocation: sourceLocation)
        return nil
    }
}

extension EmulatedMount {
    /// A test setup failure with a message.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
