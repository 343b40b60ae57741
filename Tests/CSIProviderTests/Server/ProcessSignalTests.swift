import AzureCoreTesting
import CSIProvider
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import KeyVaultTesting
import Logging
import Testing

/// `akv-csi-provider` as a process: SIGTERM during 10 in-flight mounts. Each one completes or fails with
/// `unavailable`, the socket is removed, and the exit status is 0. The logs name pods and never a value.
@Suite(.serialized) struct ProcessSignalTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func sigtermDuringTenInFlightMounts() async throws {
        var quiet = Logger(label: "emulators", factory: { _ in SwiftLogNoOpLogHandler() })
        quiet.logLevel = .critical
        let emulators = try await AzureEmulators.start(seed: CSIHarness.seed, logger: quiet)
        let directory = try CSIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("azure.sock").path
        let log = directory.appendingPathComponent("provider.log")
        var environment = ProcessInfo.processInfo.environment
        environment["SSL_CERT_FILE"] = emulators.caFile.path
        environment["AZURE_AUTHORITY_HOST"] = emulators.entra.authorityHost.absoluteString
        environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = emulators.imds.endpoint.absoluteString
        var arguments = [
            "--endpoint=unix://\(socket)", "--healthz-port=0", "--healthz-address=127.0.0.1", "--grace-period=10s", "--log-format-json",
        ]
        for (name, url) in emulators.vaultURLs { arguments += ["--vault-url", "\(name)=\(url.absoluteString)"] }
        let process = try ProviderProcess.launch(arguments, environment: environment, log: log)
        do {
            try await CSIHarness.waitForSocket(socket)
            let harness = CSIHarnessRequests(emulators: emulators)
            let request = try harness.request()
            var outcomes: [Result<String, RPCError>] = []
            try await withGRPCClient(
                transport: .http2NIOPosix(target: .unixDomainSocket(path: socket), transportSecurity: .plaintext)
            ) { grpc in
                let client = V1alpha1_CSIDriverProvider.Client(wrapping: grpc)
                _ = try await client.mount(request)  // token and challenge cached
                let faults = emulators.keyVault.faultInjector
                let before = await faults.requestCount(pathPrefix: "/secrets/")
                await faults.setLatency(.milliseconds(1500))
                outcomes = await withTaskGroup(of: Result<String, RPCError>.self) { group in
                    for _ in 0..<10 {
                        group.addTask {
                            do {
                                return .success(try await client.mount(request).text("secret1") ?? "")
                            } catch let error as RPCError {
                                return .failure(error)
                            } catch {
                                return .failure(RPCError(code: .unknown, message: "\(error)"))
                            }
                        }
                    }
                    // The signal goes once a mount's Key Vault request is in flight (the mounts share that one
                    // request), so at least one mount is inside the server when it starts its graceful shutdown,
                    // however loaded the machine is. A fixed sleep raced the RPCs' arrival on a busy CI runner.
                    let patience = ContinuousClock.now + .seconds(20)
                    while await faults.requestCount(pathPrefix: "/secrets/") == before, ContinuousClock.now < patience {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                    kill(process.processIdentifier, SIGTERM)
                    var all: [Result<String, RPCError>] = []
                    for await outcome in group { all.append(outcome) }
                    return all
                }
            }
            let status = try await ProviderProcess.waitForExit(process, timeout: .seconds(30))
            #expect(status == 0, "exit status")
            #expect(outcomes.count == 10)
            for outcome in outcomes {
                switch outcome {
                case .success(let text): #expect(text == "secret1 version 2")
                case .failure(let error): #expect(error.code == .unavailable, "\(error)")
                }
            }
            #expect(outcomes.contains { if case .success = $0 { true } else { false } }, "in-flight mounts finish within the grace period")
            #expect(!FileManager.default.fileExists(atPath: socket), "the socket is removed at exit")
            let text = try String(contentsOf: log, encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") }, "one JSON object per line")
            #expect(text.contains("\"msg\":\"mount succeeded\"") && text.contains("\"pod\":\"web-0\""))
            #expect(!text.contains("secret1 version"), "no secret value in the logs")
            #expect(!text.contains(Sample.servicePrincipal.secret ?? "-"), "no client secret in the logs")
        } catch {
            process.terminate()
            await emulators.stop()
            throw error
        }
        if process.isRunning { process.terminate() }
        await emulators.stop()
    }

    @Test func versionFlagAndBadFlags() throws {
        let version = try ProviderProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(version.output.contains(CSIProviderVersion.runtimeVersion))
        let bad = try ProviderProcess.run(["--endpoint=tcp://0.0.0.0:1"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("unix://"), "\(bad.output)")
        let remote = try ProviderProcess.run(["--vault-url", "kv=https://kv.example.com"])
        #expect(remote.status != 0)
        #expect(remote.output.contains("loopback"), "\(remote.output)")
    }
}

/// Request building for tests that talk to a provider process rather than a harness.
struct CSIHarnessRequests {
    typealias Sample = AzureEmulatorSeed.Sample
    let emulators: AzureEmulators

    func request() throws -> V1alpha1_MountRequest {
        try CSIHarness.driverRequest(
            spcParameters: [
                "keyvaultName": Sample.vaultName, "tenantID": Sample.tenantID,
                "objects": CSIHarness.objects(["objectName: secret1\nobjectType: secret"]),
            ],
            secrets: ["clientid": Sample.servicePrincipal.clientID, "clientsecret": Sample.servicePrincipal.secret ?? ""],
            tokens: nil
        )
    }
}
