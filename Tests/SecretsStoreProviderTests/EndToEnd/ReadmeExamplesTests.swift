import Foundation
import KeyVaultTesting
import Logging
import MountWriter
import Testing
@testable import SecretsStoreProvider

/// The README's library snippets, run as written (the provider pointed at the emulators instead of Azure).
@Suite(.serialized) struct ReadmeExamplesTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func providerSnippet() async throws {
        try await EmulatedMount.run { env in
            // README: let provider = KeyVaultProvider(configuration: ProviderConfiguration(logger: logger)) —
            // here with the emulators' configuration.
            let provider = env.provider
            let manifestText = """
                apiVersion: secrets-store.csi.x-k8s.io/v1
                kind: SecretProviderClass
                metadata:
                  name: readme
                spec:
                  provider: azure
                  parameters:
                    keyvaultName: \(Sample.vaultName)
                    tenantID: \(Sample.tenantID)
                    objects: |
                      array:
                        - |
                          objectName: ExampleSecret
                          objectType: secret
                """
            let driverAttributes = EmulatedMount.pod
            let nodePublishSecret = ["clientid": Sample.servicePrincipal.clientID, "clientsecret": Sample.servicePrincipal.secret ?? ""]
            let spc = try SecretProviderClass(yaml: manifestText)
            let request = MountRequest(secretProviderClass: spc, attributes: driverAttributes, secrets: nodePublishSecret)
            let outcome = try await provider.mount(request, into: env.directory("readme"))
            #expect(outcome.write.changed)
            #expect(outcome.write.added == ["ExampleSecret"])
            #expect(outcome.result.objectVersions.keys.sorted() == ["secret/ExampleSecret"])
            #expect(try env.read(env.directory("readme"), "ExampleSecret") == "MyAKSExampleSecret")
        }
    }

    @Test func mountWriterSnippet() throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("readme-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: target) }
        let certificatePEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let passwordBytes: [UInt8] = Array("hunter2".utf8)
        let writer = AtomicDirectoryWriter(targetDirectory: target.path)
        let result = try writer.write([
            "tls/cert.pem": ProjectedFile(utf8: certificatePEM, mode: 0o444),
            "password": ProjectedFile(contents: passwordBytes, mode: 0o400, owner: FileOwner(group: 2000)),
        ])
        #expect(result.added == ["password", "tls/cert.pem"])
        let projection = try writer.readProjection(includingOwners: true)
        #expect(projection["tls/cert.pem"]?.mode == 0o444)
        #expect(projection["password"]?.mode == 0o400)
        #expect(projection["password"]?.owner?.group == 2000)
        #expect(projection["password"]?.contents == passwordBytes)
    }

    @Test func emulatorsSnippet() async throws {
        var logger = Logger(label: "readme")
        logger.logLevel = .critical
        let emulators = try await AzureEmulators.start(seed: .sample, logger: logger)
        #expect(emulators.vaultURLs[Sample.vaultName] != nil)
        #expect(FileManager.default.fileExists(atPath: emulators.caFile.path))
        #expect(emulators.environment["AZURE_AUTHORITY_HOST"] == emulators.entra.authorityHost.absoluteString)
        await emulators.stop()
    }
}
