import Foundation
import Testing
import Yams

/// The container file and the DaemonSet, checked offline (there is no container engine here): the manifest's fields
/// equivalent to the Go provider's DaemonSet, and every flag they pass known to the executable's `--help`.
@Suite struct DeploymentFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func daemonSet() throws -> [String: Any] {
        let text = try String(contentsOf: root.appendingPathComponent("deploy/kubernetes/provider-azure-installer.yaml"), encoding: .utf8)
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        #expect(documents.contains { $0["kind"] as? String == "ServiceAccount" })
        return try #require(documents.first { $0["kind"] as? String == "DaemonSet" })
    }

    static func flags(in arguments: [String]) -> [String] {
        arguments.filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2).prefix { $0 != "=" }) }
    }

    @Test func daemonSetMatchesTheGoProvidersShape() throws {
        let daemonSet = try Self.daemonSet()
        let spec = try #require((daemonSet["spec"] as? [String: Any])?["template"] as? [String: Any])
        let pod = try #require(spec["spec"] as? [String: Any])
        #expect(pod["hostNetwork"] as? Bool == true)
        #expect((pod["nodeSelector"] as? [String: String])?["kubernetes.io/os"] == "linux")
        let volumes = try #require(pod["volumes"] as? [[String: Any]])
        let providerVolume = try #require(volumes.first { ($0["hostPath"] as? [String: Any])?["path"] as? String == "/var/run/secrets-store-csi-providers" })
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
        #expect(mounts.contains { $0["name"] as? String == providerVolume["name"] as? String && $0["mountPath"] as? String == "/provider" })
        let arguments = try #require(container["args"] as? [String])
        #expect(arguments.contains("--endpoint=unix:///provider/azure.sock"))
        let security = try #require(container["securityContext"] as? [String: Any])
        #expect(security["readOnlyRootFilesystem"] as? Bool == true)
        #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        #expect((security["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
        let resources = try #require(container["resources"] as? [String: Any])
        for part in ["requests", "limits"] {
            let values = try #require(resources[part] as? [String: Any], "resources.\(part)")
            #expect(values["cpu"] != nil && values["memory"] != nil, "resources.\(part)")
        }
        let probe = try #require((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
        #expect(probe["path"] as? String == "/healthz")
        #expect(probe["port"] as? Int == 8989)
        #expect(arguments.contains("--healthz-port=8989") && arguments.contains("--healthz-path=/healthz"))
        let grace = try #require(pod["terminationGracePeriodSeconds"] as? Int)
        #expect(grace > 10, "longer than the provider's --grace-period")
    }

    @Test func containerFileAndManifestFlagsExistInHelp() throws {
        let dockerfile = try String(contentsOf: Self.root.appendingPathComponent("deploy/Dockerfile"), encoding: .utf8)
        let lines = dockerfile.split(separator: "\n").map(String.init)
        let stages = lines.filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2, "a multi-stage build")
        #expect(stages.first?.contains("swift:6.3") == true)
        #expect(stages.last?.contains("debian") == true && stages.last?.contains("slim") == true)
        #expect(dockerfile.contains("libssl3") && dockerfile.contains("ca-certificates"))
        let entrypoint = try #require(lines.first { $0.hasPrefix("ENTRYPOINT") })
        #expect(entrypoint.contains("akv-csi-provider"))
        let command = try #require(lines.first { $0.hasPrefix("CMD") })
        let commandArguments = command.split(separator: "\"").map(String.init).filter { $0.hasPrefix("--") }

        let container = try #require(((((try Self.daemonSet()["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
        let manifestArguments = try #require(container["args"] as? [String])

        let help = try ProviderProcess.run(["--help"])
        #expect(help.status == 0)
        for flag in Set(Self.flags(in: commandArguments) + Self.flags(in: manifestArguments)) {
            #expect(help.output.contains("--\(flag)"), "--\(flag) is not in akv-csi-provider --help")
        }
        // The exact arguments parse: the binary accepts them (it stops at --version before serving).
        let parsed = try ProviderProcess.run(manifestArguments + commandArguments + ["--version"])
        #expect(parsed.status == 0, "\(parsed.output)")
    }
}
