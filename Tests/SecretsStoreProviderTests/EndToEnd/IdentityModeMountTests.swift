import AzureCoreTesting
import Foundation
import KeyVaultTesting
import MountWriter
import Testing
@testable import SecretsStoreProvider

/// Each identity mode of the user's scenarios, plus the service principal, mounted against the emulators; the
/// bytes on disk are checked.
@Suite(.serialized) struct IdentityModeMountTests {
    typealias Sample = AzureEmulatorSeed.Sample

    static let secretAndKey = ["objectName: secret1\nobjectType: secret\nobjectVersion: \"\"", "objectName: key1\nobjectType: key\nobjectVersion: \"\""]

    @Test(arguments: ["addon", "userAssigned", "workload", "servicePrincipal"])
    func mountsSecretAndKey(mode: String) async throws {
        try await EmulatedMount.run { env in
            let identity: EmulatedMount.Identity = switch mode {
            case "addon": .addon
            case "userAssigned": .userAssigned
            case "workload": .workload()
            default: .servicePrincipal()
            }
            let directory = env.directory(mode)
            let outcome = try await env.provider.mount(try env.request(identity, objects: Self.secretAndKey), into: directory)
            #expect(outcome.write.changed)
            #expect(outcome.write.added == ["key1", "secret1"])
            #expect(try env.read(directory, "secret1") == "secret1 version 2")
            let pem = try env.read(directory, "key1")
            #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
            #expect(pem.hasSuffix("-----END PUBLIC KEY-----\n"))
            // The user-visible names are symlinks into ..data, as the CSI driver lays them out.
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: directory + "/secret1")
            #expect(link == "..data/secret1")
            let latest = try #require(await env.emulators.keyVault.secretVersions(vault: Sample.vaultName, name: "secret1").last)
            #expect(outcome.result.objectVersions["secret/secret1"] == latest)
            #expect(outcome.result.objectVersions["key/key1"]?.isEmpty == false)
        }
    }

    @Test func serviceConnectorManifestWorksUnchangedOnceFilled() async throws {
        try await EmulatedMount.run { env in
            let yaml = try String(contentsOf: SecretProviderClassTests.manifests.appendingPathComponent("sc-demo-keyvault-csi.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "<AZURE_KEYVAULT_SECRETS_PROVIDER_CLIENT_ID>", with: Sample.addonIdentity.clientID)
                .replacingOccurrences(of: "<AZURE_KEYVAULT_NAME>", with: Sample.vaultName)
                .replacingOccurrences(of: "<AZURE_TENANT_ID>", with: Sample.tenantID)
            let spc = try SecretProviderClass(yaml: yaml)
            let directory = env.directory("sc")
            _ = try await env.provider.mount(MountRequest(secretProviderClass: spc, attributes: EmulatedMount.pod), into: directory)
            #expect(try env.read(directory, "ExampleSecret") == "MyAKSExampleSecret")
        }
    }

    @Test func oneTokenPerIdentityAcrossObjectsAndMounts() async throws {
        try await EmulatedMount.run { env in
            let request = try env.request(.servicePrincipal(), objects: Self.secretAndKey + ["objectName: ExampleSecret\nobjectType: secret"])
            let before = await env.emulators.entra.faults.requestCount(pathPrefix: "/\(Sample.tenantID)/oauth2")
            for round in 0..<3 {
                _ = try await env.provider.mount(request, into: env.directory("reuse\(round)"))
            }
            let after = await env.emulators.entra.faults.requestCount(pathPrefix: "/\(Sample.tenantID)/oauth2")
            #expect(after - before == 1, "three mounts of three objects should exchange one token")
        }
    }

    @Test func missingRoleAssignmentNamesTheRole() async throws {
        try await EmulatedMount.run { env in
            let request = try env.request(
                .servicePrincipal(clientID: Sample.unauthorizedApplication.clientID, secret: Sample.unauthorizedApplication.secret ?? ""),
                objects: ["objectName: secret1\nobjectType: secret"]
            )
            let directory = env.directory("forbidden")
            let error = try #require(await providerError { _ = try await env.provider.mount(request, into: directory) })
            do {
                #expect(error.code == .fetchFailed)
                #expect(error.message.contains("objectName:secret1"))
                #expect(error.message.contains("Key Vault Secrets User"), "\(error.message)")
                #expect(error.message.contains("403") || error.message.contains("Forbidden"), "\(error.message)")
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/secret1"))
        }
    }

    @Test func noFederatedCredentialGivesAADSTS70021WithIssuerAndSubject() async throws {
        try await EmulatedMount.run { env in
            let stranger = try env.serviceAccountToken(namespace: "other-ns", name: "other-sa")
            let request = try env.request(.workload(token: stranger), objects: ["objectName: secret1\nobjectType: secret"])
            let error = try #require(await providerError { _ = try await env.provider.mount(request, into: env.directory("wi-fail")) })
            do {
                #expect(error.message.contains("70021"), "\(error.message)")
                #expect(error.message.contains("system:serviceaccount:other-ns:other-sa"), "\(error.message)")
                #expect(!error.message.contains(stranger), "the assertion must never appear in an error")
            }
        }
    }
}

/// The workload-identity and user-assigned manifests of the user's scenarios, as published, with placeholders filled.
@Suite(.serialized) struct ScenarioManifestMountTests {
    typealias Sample = AzureEmulatorSeed.Sample

    static func manifest(_ file: String, _ replacements: [String: String]) throws -> SecretProviderClass {
        var text = try String(contentsOf: SecretProviderClassTests.manifests.appendingPathComponent(file), encoding: .utf8)
        for (placeholder, value) in replacements { text = text.replacingOccurrences(of: placeholder, with: value) }
        return try SecretProviderClass(yaml: text, source: file)
    }

    @Test func workloadIdentityManifest() async throws {
        try await EmulatedMount.run { env in
            let spc = try Self.manifest("azure-kvname-wi.yaml", [
                "<USER_ASSIGNED_CLIENT_ID>": Sample.workloadIdentity.clientID, "<KEYVAULT_NAME>": Sample.vaultName,
                "<IDENTITY_TENANT>": Sample.tenantID,
            ])
            var attributes = EmulatedMount.pod
            attributes["csi.storage.k8s.io/serviceAccount.tokens"] = try env.tokensAttribute(try env.serviceAccountToken())
            let directory = env.directory("wi-manifest")
            let outcome = try await env.provider.mount(MountRequest(secretProviderClass: spc, attributes: attributes), into: directory)
            #expect(outcome.result.files.map(\.path) == ["secret1", "key1"])
            #expect(try env.read(directory, "secret1") == "secret1 version 2")
            #expect(try env.read(directory, "key1").hasPrefix("-----BEGIN PUBLIC KEY-----"))
        }
    }

    @Test func userAssignedManagedIdentityManifest() async throws {
        try await EmulatedMount.run { env in
            let spc = try Self.manifest("azure-kvname-user-msi.yaml", [
                "<client-id>": Sample.userAssignedIdentity.clientID, "<key-vault-name>": Sample.vaultName, "<tenant-id>": Sample.tenantID,
            ])
            let directory = env.directory("msi-manifest")
            _ = try await env.provider.mount(MountRequest(secretProviderClass: spc, attributes: EmulatedMount.pod), into: directory)
            #expect(try env.read(directory, "secret1") == "secret1 version 2")
            #expect(try env.read(directory, "key1").hasPrefix("-----BEGIN PUBLIC KEY-----"))
        }
    }
}

/// A token or content earned with one proof is never served to a caller with another (wrong secret, another
/// service account's token, another namespace), even when the client ID is the same.
@Suite(.serialized) struct CredentialIsolationTests {
    typealias Sample = AzureEmulatorSeed.Sample
    static let objects = ["objectName: secret1\nobjectType: secret\nobjectVersion: \"\""]

    @Test func wrongClientSecretAfterTheRightOneStillFails() async throws {
        try await EmulatedMount.run { env in
            _ = try await env.provider.mount(try env.request(.servicePrincipal(), objects: Self.objects), into: env.directory("sp-ok"))
            let wrong = try env.request(.servicePrincipal(secret: "not-the-secret"), objects: Self.objects)
            let error = try #require(await providerError { _ = try await env.provider.mount(wrong, into: env.directory("sp-wrong")) })
            #expect(error.message.contains("7000215"), "\(error.message)")
            #expect(!FileManager.default.fileExists(atPath: env.directory("sp-wrong") + "/secret1"))
        }
    }

    @Test func anotherServiceAccountWithTheSameClientIDStillFails() async throws {
        try await EmulatedMount.run { env in
            _ = try await env.provider.mount(try env.request(.workload(), objects: Self.objects), into: env.directory("wi-ok"))
            let stranger = try env.serviceAccountToken(namespace: Sample.serviceAccountNamespace, name: "intruder")
            let request = try env.request(.workload(token: stranger), objects: Self.objects)
            let error = try #require(await providerError { _ = try await env.provider.mount(request, into: env.directory("wi-intruder")) })
            #expect(error.message.contains("70021"), "\(error.message)")
        }
    }

    @Test func pinnedContentsAreNotServedToAnIdentityWithoutAccess() async throws {
        try await EmulatedMount.run { env in
            let version = try #require(await env.emulators.keyVault.secretVersions(vault: Sample.vaultName, name: "secret1").first)
            let pinned = ["objectName: secret1\nobjectType: secret\nobjectVersion: \(version)"]
            _ = try await env.provider.mount(try env.request(.servicePrincipal(), objects: pinned), into: env.directory("pin-ok"))
            let outsider = try env.request(
                .servicePrincipal(clientID: Sample.unauthorizedApplication.clientID, secret: Sample.unauthorizedApplication.secret ?? ""),
                objects: pinned
            )
            let error = try #require(await providerError { _ = try await env.provider.mount(outsider, into: env.directory("pin-outsider")) })
            #expect(error.message.contains("ForbiddenByRbac"), "\(error.message)")
        }
    }

    @Test func kubeletTokenRefreshKeepsWorking() async throws {
        try await EmulatedMount.run { env in
            let directory = env.directory("wi-refresh")
            _ = try await env.provider.mount(try env.request(.workload(), objects: Self.objects), into: directory)
            // kubelet hands a new token for the same service account: a new exchange, and the mount still works.
            let before = await env.emulators.entra.faults.requestCount(pathPrefix: "/\(Sample.tenantID)/oauth2")
            let refreshed = try env.serviceAccountToken()
            _ = try await env.provider.mount(try env.request(.workload(token: refreshed), objects: Self.objects), into: directory)
            _ = try await env.provider.mount(try env.request(.workload(token: refreshed), objects: Self.objects), into: directory)
            let after = await env.emulators.entra.faults.requestCount(pathPrefix: "/\(Sample.tenantID)/oauth2")
            #expect(after - before == 1)
        }
    }
}
