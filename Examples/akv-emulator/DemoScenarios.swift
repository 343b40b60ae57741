import CommandSupport
import Foundation
import KeyVaultTesting
import MountWriter
import SecretsStoreProvider

/// The four demo mounts: the user's three SecretProviderClasses with their placeholders filled from the sample
/// seed, plus a service-principal class covering every object type and format.
struct DemoScenarios {
    struct Scenario {
        var name: String
        var title: String
        var identity: String
        var request: MountRequest
    }

    static func manifestFolder(explicit: String?) throws -> URL {
        var candidates: [URL] = []
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Examples/manifests"))
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("manifests"))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("azure-kvname-wi.yaml").path) {
            return candidate
        }
        throw CommandError("cannot find the sample manifests (Examples/manifests); pass --manifests DIR")
    }

    static func all(emulators: AzureEmulators, manifestFolder: URL) throws -> [Scenario] {
        typealias Sample = AzureEmulatorSeed.Sample
        let pod = ["csi.storage.k8s.io/pod.name": "demo-pod", "csi.storage.k8s.io/pod.namespace": Sample.serviceAccountNamespace]
        func load(_ file: String, _ fill: [String: String]) throws -> SecretProviderClass {
            let path = manifestFolder.appendingPathComponent(file).path
            var spc = try SecretProviderClass(yaml: try CommandSupport.readText(path, what: "manifest"), source: file)
            spc.parameters.merge(fill) { _, new in new }
            return spc
        }
        let vault = ["keyvaultName": Sample.vaultName]

        let serviceConnector = try load("sc-demo-keyvault-csi.yaml", vault.merging([
            "tenantId": Sample.tenantID, "userAssignedIdentityID": Sample.addonIdentity.clientID,
        ]) { a, _ in a })
        let workloadIdentity = try load("azure-kvname-wi.yaml", vault.merging([
            "tenantId": Sample.tenantID, "clientID": Sample.workloadIdentity.clientID,
        ]) { a, _ in a })
        let userAssigned = try load("azure-kvname-user-msi.yaml", vault.merging([
            "tenantId": Sample.tenantID, "userAssignedIdentityID": Sample.userAssignedIdentity.clientID,
        ]) { a, _ in a })
        let servicePrincipal = try load("azure-kvname-sp.yaml", vault.merging(["tenantID": Sample.tenantID]) { a, _ in a })

        // The driver hands the pod's service-account token (audience api://AzureADTokenExchange) in the attributes.
        let tokenKey = "\(Sample.serviceAccountNamespace)/\(Sample.serviceAccountName)"
        guard let tokenFile = emulators.serviceAccountTokenFiles[tokenKey] else {
            throw CommandError("the emulators minted no service-account token for \(tokenKey)")
        }
        let token = try String(contentsOf: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokens = try JSONSerialization.data(withJSONObject: [
            ProviderParameters.workloadIdentityAudience: ["token": token, "expirationTimestamp": ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))],
        ])
        var wiAttributes = pod
        wiAttributes[ProviderParameters.Key.serviceAccountTokens] = String(decoding: tokens, as: UTF8.self)

        return [
            Scenario(
                name: serviceConnector.name, title: "Scenario 1: Service Connector (the add-on's managed identity)",
                identity: "IMDS, client ID \(Sample.addonIdentity.clientID)",
                request: MountRequest(secretProviderClass: serviceConnector, attributes: pod)),
            Scenario(
                name: workloadIdentity.name, title: "Scenario 2: Microsoft Entra Workload ID",
                identity: "federated token of system:serviceaccount:\(tokenKey.replacingOccurrences(of: "/", with: ":")), client ID \(Sample.workloadIdentity.clientID)",
                request: MountRequest(secretProviderClass: workloadIdentity, attributes: wiAttributes)),
            Scenario(
                name: userAssigned.name, title: "Scenario 3: user-assigned managed identity",
                identity: "IMDS, client ID \(Sample.userAssignedIdentity.clientID)",
                request: MountRequest(secretProviderClass: userAssigned, attributes: pod)),
            Scenario(
                name: servicePrincipal.name, title: "Service principal (node-publish secret), every object type and format",
                identity: "client secret of \(Sample.servicePrincipal.clientID)",
                request: MountRequest(
                    secretProviderClass: servicePrincipal, attributes: pod,
                    secrets: ["clientid": Sample.servicePrincipal.clientID, "clientsecret": Sample.servicePrincipal.secret ?? ""])),
        ]
    }

    /// Prints each file with its mode, size and PEM block types (never its contents).
    static func printTree(_ files: [MountedFile], directory: String) {
        for file in files.sorted(by: { $0.path < $1.path }) {
            let blocks = pemBlockTypes(file.contents)
            let kind = blocks.isEmpty ? (isText(file.contents) ? "text" : "binary") : blocks.joined(separator: ", ")
            print("   \(file.path.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%04o", file.mode))  \(String(file.contents.count).leftPad(6)) bytes  \(kind)")
        }
    }

    static func pemBlockTypes(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var types: [String] = []
        for line in text.split(separator: "\n") where line.hasPrefix("-----BEGIN ") && line.hasSuffix("-----") {
            types.append(String(line.dropFirst(11).dropLast(5)))
        }
        return types
    }

    static func isText(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil && !bytes.contains(0)
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
