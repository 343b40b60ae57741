import Foundation
import KeyVaultTesting
import Testing
@testable import SecretsStoreProvider

/// `akv-mount mount` run as a process against the emulators: files on disk, the stdout summary (never contents),
/// the exit code, errors on stderr, and a clean stop of rotation on SIGTERM.
@Suite(.serialized) struct AKVMountCommandTests {
    typealias Sample = AzureEmulatorSeed.Sample

    /// An executable of the package built next to the tests (`akv-mount` by default; also the snippets).
    static func binary(_ name: String = "akv-mount") throws -> URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            besideTests.appendingPathComponent(name),
            besideTests.deletingLastPathComponent().appendingPathComponent(name),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/\(name)"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw EmulatedMount.Failure("\(name) was not built next to the tests (looked in \(candidates.map(\.path)))")
        }
        return found
    }

    /// Standard error read to its end on a thread of its own.
    final class ErrorOutput: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        func read(_ pipe: Pipe) {
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func launch(_ arguments: [String], environment: [String: String], executable: String = "akv-mount") throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try binary(executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs the command to its end. The blocking reads and wait happen on a thread of their own: the child talks
    /// to the emulators in this process, which need the cooperative threads a blocked test would hold.
    static func run(_ arguments: [String], environment: [String: String], executable: String = "akv-mount") async throws -> Run {
        let (process, out, err) = try launch(arguments, environment: environment, executable: executable)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                // Standard error is drained on a second thread, so that neither pipe fills while the other is read.
                let errors = ErrorOutput()
                let reader = Thread { errors.read(err) }
                reader.start()
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                let stderr = errors.wait()
                process.waitUntilExit()
                continuation.resume(returning: Run(
                    status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                    stderr: String(decoding: stderr, as: UTF8.self)
                ))
            }
        }
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static func spc(_ parameters: [String: String]) -> String {
        var yaml = "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: cli\nspec:\n  provider: azure\n  parameters:\n"
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
            yaml += "    \(key): |\n" + value.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n") + "\n"
        }
        return yaml
    }

    static func arguments(_ env: EmulatedMount, spc: URL, target: String, extra: [String] = []) -> [String] {
        var args = ["mount", "--spc", spc.path, "--target", target, "--ca-bundle", env.emulators.caFile.path, "--no-verify-challenge-resource"]
        for (name, url) in env.emulators.vaultURLs { args += ["--vault-url", "\(name)=\(url.absoluteString)"] }
        return args + extra
    }

    static func environment(_ env: EmulatedMount) -> [String: String] {
        [
            "AZURE_AUTHORITY_HOST": env.emulators.entra.authorityHost.absoluteString,
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": env.emulators.imds.endpoint.absoluteString,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
    }

    @Test func mountsWithAServicePrincipalAndPrintsNoContents() async throws {
        try await EmulatedMount.run { env in
            let spcFile = env.root.appendingPathComponent("spc.yaml")
            try Self.write(Self.spc([
                "keyvaultName": Sample.vaultName, "tenantID": Sample.tenantID,
                "objects": EmulatedMount.objects(["objectName: ExampleSecret\nobjectType: secret", "objectName: key1\nobjectType: key"]),
            ]), to: spcFile)
            let secretsFile = env.root.appendingPathComponent("secrets.json")
            try Self.write(#"{"clientid":"\#(Sample.servicePrincipal.clientID)","clientsecret":"\#(Sample.servicePrincipal.secret ?? "")"}"#, to: secretsFile)
            let target = env.directory("cli-target")
            let result = try await Self.run(Self.arguments(env, spc: spcFile, target: target, extra: ["--secrets", secretsFile.path]), environment: Self.environment(env))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try env.read(target, "ExampleSecret") == "MyAKSExampleSecret")
            #expect(try env.read(target, "key1").hasPrefix("-----BEGIN PUBLIC KEY-----"))
            #expect(result.stdout.contains("ExampleSecret"))
            #expect(result.stdout.contains("0644"))
            #expect(!result.stdout.contains("MyAKSExampleSecret"), "stdout must never show a value")
            #expect(!result.stderr.contains("MyAKSExampleSecret"))
            #expect(!result.stderr.contains(Sample.servicePrincipal.secret ?? "-"), "the client secret must never be printed")
        }
    }

    /// Every early exit names the bad input plainly and exits without a trap: `--vault-url garbage` once tripped
    /// AsyncHTTPClient's "Client not shut down before the deinit" in a debug build, `--spc /tmp` printed
    /// `NSCocoaErrorDomain error 256`, `1ms` rotations were accepted and an unknown log level became `info`.
    @Test(arguments: [
        (["--vault-url", "garbage"], "--vault-url garbage: expected NAME=URL"),
        (["--vault-url", "kv=not a url"], "expected NAME=URL"),
        (["--rotation-interval", "1ms"], "shorter than the minimum of 1s"),
        (["--rotation-interval", "0.0001s"], "shorter than the minimum of 1s"),
        (["--log-level", "loud"], "--log-level loud: not a log level"),
        (["--timeout", "soon"], "--timeout soon is not a duration"),
        (["--spc", "/tmp"], "--spc /tmp: is a directory, not a file"),
        (["--spc", "/dev/zero"], "--spc /dev/zero: is not a regular file"),
        (["--spc", "/nonexistent/spc.yaml"], "--spc /nonexistent/spc.yaml: no such file"),
    ])
    func badFlagsGetPlainMessagesAndNoTrap(flags: [String], message: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("akv-flags-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spcFile = directory.appendingPathComponent("spc.yaml")
        try Self.write(Self.spc(["keyvaultName": "kv", "tenantID": "t", "objects": "array: []"]), to: spcFile)
        var arguments = ["mount", "--target", directory.appendingPathComponent("target").path]
        if !flags.contains("--spc") { arguments += ["--spc", spcFile.path] }
        let result = try await Self.run(arguments + flags, environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        #expect(result.status == 1 || result.status == 64, "a clean failure, not a signal: \(result.status) \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("target").path), "nothing written")
    }

    @Test func failsWithTheGoErrorTextAndANonZeroStatus() async throws {
        try await EmulatedMount.run { env in
            let spcFile = env.root.appendingPathComponent("bad.yaml")
            try Self.write(Self.spc(["tenantID": Sample.tenantID, "useVMManagedIdentity": "true", "objects": "array: []"]), to: spcFile)
            let target = env.directory("cli-bad")
            let result = try await Self.run(Self.arguments(env, spc: spcFile, target: target), environment: Self.environment(env))
            #expect(result.status != 0)
            #expect(result.stderr.contains("keyvaultName is not provided"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: target + "/..data"))
        }
    }

    @Test func rotationStopsCleanlyOnSIGTERM() async throws {
        try await EmulatedMount.run { env in
            let spcFile = env.root.appendingPathComponent("msi.yaml")
            try Self.write(Self.spc([
                "keyvaultName": Sample.vaultName, "tenantID": Sample.tenantID, "useVMManagedIdentity": "true",
                "userAssignedIdentityID": Sample.userAssignedIdentity.clientID,
                "objects": EmulatedMount.objects(["objectName: secret1\nobjectType: secret"]),
            ]), to: spcFile)
            let target = env.directory("cli-rotate")
            let (process, out, err) = try Self.launch(
                Self.arguments(env, spc: spcFile, target: target, extra: ["--rotation-interval", "1s"]), environment: Self.environment(env)
            )
            // Wait for the first mount, rotate the secret, wait for the file to change, then stop.
            var waited = 0
            while !FileManager.default.fileExists(atPath: target + "/secret1") && waited < 200 {
                try await Task.sleep(for: .milliseconds(50)); waited += 1
            }
            #expect(try env.read(target, "secret1") == "secret1 version 2")
            try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: "after rotation")
            waited = 0
            while (try? env.read(target, "secret1")) != "after rotation" && waited < 200 {
                try await Task.sleep(for: .milliseconds(50)); waited += 1
            }
            #expect(try env.read(target, "secret1") == "after rotation")
            process.terminate()
            let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(stderr)")
            #expect(stderr.contains("SIGTERM received"))
            #expect(stdout.contains("~ secret1"), "the rotated file is reported as updated: \(stdout)")
        }
    }
}

extension AKVMountCommandTests {
    @Test func mountsWithWorkloadIdentityFromTheDriverAttributesFile() async throws {
        try await EmulatedMount.run { env in
            let spcFile = env.root.appendingPathComponent("wi.yaml")
            try Self.write(Self.spc([
                "keyvaultName": Sample.vaultName, "tenantId": Sample.tenantID, "usePodIdentity": "false",
                "clientID": Sample.workloadIdentity.clientID,
                "objects": EmulatedMount.objects(["objectName: secret1\nobjectType: secret", "objectName: key1\nobjectType: key"]),
            ]), to: spcFile)
            let token = try env.serviceAccountToken()
            var attributes = EmulatedMount.pod
            attributes["csi.storage.k8s.io/serviceAccount.tokens"] = try env.tokensAttribute(token)
            let attributesFile = env.root.appendingPathComponent("attributes.json")
            try Self.write(String(decoding: try JSONSerialization.data(withJSONObject: attributes), as: UTF8.self), to: attributesFile)
            let target = env.directory("cli-wi")
            let result = try await Self.run(
                Self.arguments(env, spc: spcFile, target: target, extra: ["--attributes", attributesFile.path, "--log-level", "trace"]),
                environment: Self.environment(env)
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try env.read(target, "secret1") == "secret1 version 2")
            #expect(result.stderr.contains("fetching objects"), "progress goes to stderr")
            #expect(!result.stderr.contains(token) && !result.stdout.contains(token), "the service-account token is never printed")
            #expect(!result.stderr.contains("secret1 version 2") && !result.stdout.contains("secret1 version 2"))
        }
    }
}
