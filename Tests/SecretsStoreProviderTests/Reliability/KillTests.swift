import AzureCoreTesting
import Foundation
import KeyVaultTesting
import Testing

/// `akv-mount mount --rotation-interval 1s`, with contents changing every round, killed with SIGKILL at random
/// moments (during start-up, the token request, the fetch, the write, or between rounds). After every kill exactly
/// one complete set is visible (both files of one generation), and a final mount converges to the newest.
///
/// The suite kills it 20 times; `AKV_KILL_ROUNDS=200` (set by `Scripts/kill-test.sh`) runs the issue's 200.
@Suite struct KillTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func sigkillAtRandomMomentsLeavesOneCompleteSet() async throws {
        let rounds = ProcessInfo.processInfo.environment["AKV_KILL_ROUNDS"].flatMap(Int.init) ?? 20
        try await EmulatedMount.run { env in
            let spcFile = env.root.appendingPathComponent("kill.yaml")
            try AKVMountCommandTests.write(AKVMountCommandTests.spc([
                "keyvaultName": Sample.vaultName, "tenantID": Sample.tenantID,
                "objects": EmulatedMount.objects(["objectName: secret1\nobjectType: secret", "objectName: secret2\nobjectType: secret"]),
            ]), to: spcFile)
            let secretsFile = env.root.appendingPathComponent("secrets.json")
            try AKVMountCommandTests.write(#"{"clientid":"\#(Sample.servicePrincipal.clientID)","clientsecret":"\#(Sample.servicePrincipal.secret ?? "")"}"#, to: secretsFile)
            let target = env.directory("killed")
            let arguments = AKVMountCommandTests.arguments(env, spc: spcFile, target: target, extra: ["--secrets", secretsFile.path])
            var generator = SystemRandomNumberGenerator()
            var seen: [String: Int] = [:]
            for round in 0..<rounds {
                for name in ["secret1", "secret2"] {
                    try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: name, value: "generation \(round)")
                }
                let (process, out, err) = try AKVMountCommandTests.launch(
                    arguments + ["--rotation-interval", "1s"], environment: AKVMountCommandTests.environment(env)
                )
                // A random moment: every other round within the first 300 ms (start-up, token, fetch and the
                // first write), the others within 1.5 s (also the second round's fetch and write).
                let window = round.isMultiple(of: 2) ? 300 : 1500
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...window, using: &generator)))
                kill(process.processIdentifier, SIGKILL)
                await Self.waitForExit(process)
                try? out.fileHandleForReading.close()
                try? err.fileHandleForReading.close()
                guard FileManager.default.fileExists(atPath: target + "/..data") else {
                    seen["nothing yet", default: 0] += 1
                    #expect(!FileManager.default.fileExists(atPath: target + "/secret1"), "no file without ..data")
                    continue
                }
                let first = try env.read(target, "secret1")
                let second = try env.read(target, "secret2")
                #expect(first == second, "round \(round): one complete set, not \(first) beside \(second)")
                #expect(first.hasPrefix("generation "), "round \(round): \(first)")
                seen[first == "generation \(round)" ? "this round's set" : "an earlier set", default: 0] += 1
            }
            // A restart converges.
            let final = try await AKVMountCommandTests.run(arguments, environment: AKVMountCommandTests.environment(env))
            #expect(final.status == 0, "\(final.stderr)")
            #expect(try env.read(target, "secret1") == "generation \(rounds - 1)")
            #expect(try env.read(target, "secret2") == "generation \(rounds - 1)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: target).filter { $0.hasPrefix("..") && $0 != "..data" }
            #expect(leftovers.count == 1, "one data directory after the converging mount: \(leftovers)")
            print("Kill test: \(rounds) SIGKILLs, every one left one complete set (\(seen.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))); a restart converged")
        }
    }

    static func waitForExit(_ process: Process) async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }
}
