import AzureCore
import CSIProvider
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import KeyVaultTesting
import Logging
import SecretsStoreProvider
import ServiceLifecycle

/// The emulators, a provider server on a temporary Unix socket configured for them, and a gRPC client on that
/// socket; requests are built the way the Secrets Store CSI driver builds them.
struct CSIHarness {
    typealias Sample = AzureEmulatorSeed.Sample
    typealias CSIClient = V1alpha1_CSIDriverProvider.Client<HTTP2ClientTransport.Posix>

    let emulators: AzureEmulators
    let socketPath: String
    let server: CSIProviderServer
    let client: CSIClient
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let serviceGroup: ServiceGroup

    /// A system-assigned identity added to the sample seed (the VM's own identity), with read roles.
    static let systemIdentity = AzureEmulatorSeed.ManagedIdentity(
        name: "node-system-identity", clientID: "5b0a3c1e-0000-4000-8000-00000000a0ff",
        objectID: "5b0a3c1e-0000-4000-8000-00000000b0ff", systemAssigned: true
    )

    static var seed: AzureEmulatorSeed {
        var seed = AzureEmulatorSeed.sample
        seed.tenants[0].managedIdentities = (seed.tenants[0].managedIdentities ?? []) + [systemIdentity]
        seed.vaults[0].roleAssignments = (seed.vaults[0].roleAssignments ?? []) + [
            .init(principalObjectID: systemIdentity.objectID, role: .secretsUser),
            .init(principalObjectID: systemIdentity.objectID, role: .certificateUser),
        ]
        return seed
    }

    static func temporaryDirectory() throws -> URL {
        // Short: a Unix socket path holds at most 107 bytes.
        let url = URL(fileURLWithPath: "/tmp/csi-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts the emulators and the server, runs `body` with a connected client, then shuts everything down.
    static func run(
        options: CSIDriverProviderService.Options = .init(),
        gracePeriod: Duration = .seconds(10),
        requestTimeout: Duration? = nil,
        logger: Logger = Logger(label: "csi-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        configure: (inout ProviderConfiguration) -> Void = { _ in },
        _ body: (CSIHarness) async throws -> Void
    ) async throws {
        var quiet = logger
        quiet.logLevel = .critical
        let emulators = try await AzureEmulators.start(seed: seed, logger: quiet)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var transportConfiguration = AsyncHTTPClientTransport.Configuration(caBundlePath: emulators.caFile.path)
        if let requestTimeout {
            transportConfiguration.connectTimeout = requestTimeout
            transportConfiguration.requestTimeout = requestTimeout
        }
        let transport = try AsyncHTTPClientTransport(configuration: transportConfiguration, environment: [:])
        var configuration = ProviderConfiguration(
            transport: transport,
            authorityHost: emulators.entra.authorityHost,
            imdsEndpoint: emulators.imds.endpoint,
            vaultURLs: emulators.vaultURLs,
            verifyChallengeResource: false,
            logger: logger
        )
        configure(&configuration)
        let socketPath = directory.appendingPathComponent("azure.sock").path
        let server = CSIProviderServer(
            socketPath: socketPath, provider: KeyVaultProvider(configuration: configuration),
            options: options, gracePeriod: gracePeriod, logger: logger
        )
        let serviceGroup = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: quiet)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await serviceGroup.run() }
                try await waitForSocket(socketPath)
                try await withGRPCClient(
                    transport: .http2NIOPosix(target: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
                ) { grpc in
                    let harness = CSIHarness(
                        emulators: emulators, socketPath: socketPath, server: server,
                        client: CSIClient(wrapping: grpc), grpc: grpc, serviceGroup: serviceGroup
                    )
                    // One call first: the client connects, and every test starts from a server that answered.
                    _ = try await harness.client.version(V1alpha1_VersionRequest())
                    try await body(harness)
                }
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        } catch {
            await serviceGroup.triggerGracefulShutdown()
            try? await transport.shutdown()
            await emulators.stop()
            throw error
        }
        try? await transport.shutdown()
        await emulators.stop()
    }

    static func waitForSocket(_ path: String) async throws {
        for _ in 0..<200 {
            if UnixSocketListener.isServing(at: path) { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw HarnessFailure("the server did not listen on \(path)")
    }

    // MARK: Requests, as the driver builds them

    enum Identity {
        case addon, userAssigned, systemAssigned, workload(token: String? = nil)
        case servicePrincipal(clientID: String = Sample.servicePrincipal.clientID, secret: String = Sample.servicePrincipal.secret ?? "")
    }

    static func objects(_ entries: [String]) -> String {
        "array:\n" + entries.map { "  - |\n" + $0.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }.joined(separator: "\n")
    }

    func serviceAccountToken(namespace: String = Sample.serviceAccountNamespace, name: String = Sample.serviceAccountName) throws -> String {
        try emulators.oidcIssuer.mintServiceAccountToken(namespace: namespace, serviceAccount: name)
    }

    /// `csi.storage.k8s.io/serviceAccount.tokens` as kubelet gives it.
    static func tokensJSON(_ token: String) throws -> String {
        let json = try JSONSerialization.data(
            withJSONObject: ["api://AzureADTokenExchange": ["token": token, "expirationTimestamp": "2099-01-01T00:00:00Z"]],
            options: [.sortedKeys]
        )
        return String(decoding: json, as: UTF8.self)
    }

    /// The SecretProviderClass parameters for an identity mode.
    func parameters(_ identity: Identity, objects: [String]) throws -> (parameters: [String: String], secrets: [String: String]?, tokens: String?) {
        var parameters = ["keyvaultName": Sample.vaultName, "tenantID": Sample.tenantID, "objects": Self.objects(objects)]
        var secrets: [String: String]?
        var tokens: String?
        switch identity {
        case .addon:
            parameters["useVMManagedIdentity"] = "true"
            parameters["userAssignedIdentityID"] = Sample.addonIdentity.clientID
        case .userAssigned:
            parameters["useVMManagedIdentity"] = "true"
            parameters["userAssignedIdentityID"] = Sample.userAssignedIdentity.clientID
        case .systemAssigned:
            parameters["useVMManagedIdentity"] = "true"
        case .workload(let token):
            parameters["clientID"] = Sample.workloadIdentity.clientID
            tokens = try Self.tokensJSON(try token ?? serviceAccountToken())
        case .servicePrincipal(let id, let secret):
            secrets = ["clientid": id, "clientsecret": secret]
        }
        return (parameters, secrets, tokens)
    }

    /// A `MountRequest` as the driver sends it: the class's parameters merged with the volume context (which wins),
    /// the pod info keys, the service-account tokens; `secrets` is `null` without a nodePublishSecretRef;
    /// `permission` is `"420"`; `target_path` is kubelet's.
    func request(
        _ identity: Identity, objects: [String], extra: [String: String] = [:], podName: String = "web-0",
        namespace: String = Sample.serviceAccountNamespace
    ) throws -> V1alpha1_MountRequest {
        let (parameters, secrets, tokens) = try self.parameters(identity, objects: objects)
        return try Self.driverRequest(
            spcParameters: parameters.merging(extra) { _, new in new }, secrets: secrets, tokens: tokens,
            podName: podName, namespace: namespace
        )
    }

    static func driverRequest(
        spcParameters: [String: String], secrets: [String: String]?, tokens: String?, spcName: String = "azure-kv",
        podName: String = "web-0", namespace: String = Sample.serviceAccountNamespace
    ) throws -> V1alpha1_MountRequest {
        let podUID = "6a0e3f2b-1c4d-4e5f-8a9b-0c1d2e3f4a5b"
        var attributes = spcParameters
        var volumeContext = [
            "secretProviderClass": spcName,
            "csi.storage.k8s.io/pod.name": podName,
            "csi.storage.k8s.io/pod.namespace": namespace,
            "csi.storage.k8s.io/pod.uid": podUID,
            "csi.storage.k8s.io/serviceAccount.name": Sample.serviceAccountName,
            "csi.storage.k8s.io/ephemeral": "false",
        ]
        if let tokens { volumeContext["csi.storage.k8s.io/serviceAccount.tokens"] = tokens }
        attributes.merge(volumeContext) { _, context in context }
        var request = V1alpha1_MountRequest()
        request.attributes = try json(attributes)
        request.secrets = try secrets.map(json) ?? "null"
        request.permission = "420"
        request.targetPath = "/var/lib/kubelet/pods/\(podUID)/volumes/kubernetes.io~csi/secrets-store-inline/mount"
        return request
    }

    static func json(_ map: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: map, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Calls Mount and returns the RPC error it must fail with (nil, and the response's file count, otherwise).
    func mountError(_ request: V1alpha1_MountRequest) async throws -> RPCError? {
        do {
            _ = try await client.mount(request)
            return nil
        } catch let error as RPCError {
            return error
        }
    }
}

extension V1alpha1_MountResponse {
    /// Files by path.
    var filesByPath: [String: V1alpha1_File] {
        Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The text of a file.
    func text(_ path: String) -> String? {
        filesByPath[path].map { String(decoding: $0.contents, as: UTF8.self) }
    }

    /// Object versions by id.
    var versions: [String: String] {
        Dictionary(objectVersion.map { ($0.id, $0.version) }, uniquingKeysWith: { first, _ in first })
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
