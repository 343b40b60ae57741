import Foundation
import KeyVaultTesting
import SecretsStoreProvider
import Testing

extension Diagnostics {
    /// `akv-mount lint` and `akv-mount doctor` run as processes: exit status, text and JSON output, no secret leaked.
    @Suite(.serialized) struct DiagnosticCommandTests {
        typealias Sample = AzureEmulatorSeed.Sample

        static func directory() -> URL {
            FileManager.default.temporaryDirectory.appendingPathComponent("akv-diag-\(UUID().uuidString)")
        }

        @Test func lintExitsOneWithEveryFindingAndZeroWhenClean() async throws {
            let folder = Self.directory()
            defer { try? FileManager.default.removeItem(at: folder) }
            let bad = folder.appendingPathComponent("bad.yaml")
            try AKVMountCommandTests.write(LintCase.all.last!.yaml, to: bad)
            let run = try await AKVMountCommandTests.run(["lint", "--spc", bad.path], environment: [:])
            #expect(run.status == 1)
            #expect(run.stdout.contains("7 errors"))
            #expect(run.stdout.contains("fix: "))
            let json = try await AKVMountCommandTests.run(["lint", "--spc", bad.path, "--output", "json"], environment: [:])
            #expect(json.status == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["errors"] as? Int == 7)
            #expect((object["findings"] as? [Any])?.count == 7)

            let clean = folder.appendingPathComponent("clean.yaml")
            try AKVMountCommandTests.write(LintFixture.spc(LintFixture.base + ["useVMManagedIdentity: \"true\"", "userAssignedIdentityID: \"id\""]), to: clean)
            let ok = try await AKVMountCommandTests.run(["lint", "--spc", clean.path], environment: [:])
            #expect(ok.status == 0, "\(ok.stdout)")
            #expect(ok.stdout.contains("no problems found"))
        }

        @Test func doctorExitStatusAndJSONRecords() async throws {
            try await EmulatedMount.run { env in
                let folder = Self.directory()
                defer { try? FileManager.default.removeItem(at: folder) }
                let spc = folder.appendingPathComponent("sp.yaml")
                try AKVMountCommandTests.write(DoctorCase.manifest([:]), to: spc)
                var environment = env.emulators.environment
                environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
                let vault = "\(Sample.vaultName)=\(env.emulators.vaultURLs[Sample.vaultName]!.absoluteString)"
                func doctor(_ secret: String, json: Bool = false) async throws -> AKVMountCommandTests.Run {
                    let creds = folder.appendingPathComponent("creds.json")
                    try AKVMountCommandTests.write("{\"clientid\":\"\(Sample.servicePrincipal.clientID)\",\"clientsecret\":\"\(secret)\"}", to: creds)
                    return try await AKVMountCommandTests.run(
                        ["doctor", "--spc", spc.path, "--secrets", creds.path, "--vault-url", vault, "--no-verify-challenge-resource",
                         "--target", folder.appendingPathComponent("target").path] + (json ? ["--output", "json"] : []),
                        environment: environment
                    )
                }
                let good = try await doctor(Sample.servicePrincipal.secret ?? "")
                #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
                #expect(good.stdout.contains("✓ 7 target"))
                #expect(good.stdout.hasSuffix("checks passed\n"))
                let wrong = try await doctor("wrong-client-secret-value", json: true)
                #expect(wrong.status == 1)
                let records = wrong.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                #expect(records.count == wrong.stdout.split(separator: "\n").count)
                #expect(records.contains { $0["check"] as? String == "identity.token" && $0["status"] as? String == "failed" })
                for output in [good.stdout + good.stderr, wrong.stdout + wrong.stderr] {
                    for value in sampleSecrets + ["wrong-client-secret-value"] where !value.isEmpty {
                        #expect(!output.contains(value))
                    }
                }
                #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("target").path))
            }
        }
    }
}
