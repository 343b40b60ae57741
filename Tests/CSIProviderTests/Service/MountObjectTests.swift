import CSIProvider
import Foundation
import GRPCCore
import KeyVaultTesting
import SecretsStoreProvider
import Testing

/// Every object type, format and encoding through `Mount`, the separate certificate and key files, the chain
/// order switch, file modes and version history. The contents returned are checked byte for byte where Key Vault
/// holds them verbatim, and by structure (PEM blocks, PKCS#12 magic) where they are converted.
@Suite(.serialized) struct MountObjectTests {
    typealias Sample = AzureEmulatorSeed.Sample

    static func blocks(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix("-----BEGIN ") }.map { String($0.dropFirst(11).dropLast(5)) }
    }

    @Test func everyTypeFormatAndEncoding() async throws {
        try await CSIHarness.run { harness in
            try await harness.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "b64", value: Data("binary\u{0}bytes".utf8).base64EncodedString())
            try await harness.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "hexed", value: "cafe00ff")
            let objects = [
                "objectName: secret1\nobjectType: secret\nfilePermission: \"0600\"",
                "objectName: b64\nobjectType: secret\nobjectEncoding: base64",
                "objectName: hexed\nobjectType: secret\nobjectEncoding: hex\nobjectAlias: hex.bin",
                "objectName: key1\nobjectType: key",
                "objectName: ec-key1\nobjectType: key",
                "objectName: pkcs12-cert\nobjectType: cert\nobjectAlias: leaf.pem",
                "objectName: pkcs12-cert\nobjectType: secret\nobjectAlias: tls.pem",
                "objectName: pkcs12-cert\nobjectType: secret\nobjectFormat: pfx\nobjectEncoding: base64\nobjectAlias: tls.pfx",
                "objectName: pem-cert\nobjectType: secret\nobjectAlias: pem.pem",
                "objectName: secret1\nobjectType: secret\nobjectVersionHistory: 2\nobjectAlias: history",
            ]
            let response = try await harness.client.mount(try harness.request(.servicePrincipal(), objects: objects))
            #expect(response.files.map(\.path) == [
                "secret1", "b64", "hex.bin", "key1", "ec-key1", "leaf.pem", "tls.pem", "tls.pfx", "pem.pem", "history/0", "history/1",
            ])
            let files = response.filesByPath
            #expect(files["secret1"]?.mode == 0o600)
            #expect(files["b64"]?.mode == 0o644)
            #expect(files["b64"]?.contents == Data("binary\u{0}bytes".utf8))
            #expect(files["hex.bin"]?.contents == Data([0xCA, 0xFE, 0x00, 0xFF]))
            #expect(Self.blocks(try #require(response.text("leaf.pem"))) == ["CERTIFICATE"])
            #expect(Self.blocks(try #require(response.text("tls.pem"))) == ["PRIVATE KEY", "CERTIFICATE", "CERTIFICATE", "CERTIFICATE"])
            let pfx = try #require(files["tls.pfx"]?.contents)
            #expect(pfx.first == 0x30, "binary DER PKCS#12")
            #expect(Self.blocks(try #require(response.text("ec-key1"))) == ["PUBLIC KEY"])
            #expect(Self.blocks(try #require(response.text("pem.pem"))).contains("CERTIFICATE"))
            #expect(response.text("history/0") == "secret1 version 2")
            #expect(response.text("history/1") == "secret1 version 1")
            let versions = await harness.emulators.keyVault.secretVersions(vault: Sample.vaultName, name: "secret1")
            #expect(response.versions["secret/secret1/0"] == versions.last)
            #expect(response.versions["secret/secret1/1"] == versions.first)
            #expect(response.versions["cert/pkcs12-cert"]?.isEmpty == false)
            #expect(response.objectVersion.count == Set(response.objectVersion.map(\.id)).count, "ids are unique")
        }
    }

    @Test func certificateAndKeyInSeparateFiles() async throws {
        try await CSIHarness.run(configure: { $0.writeCertAndKeyInSeparateFiles = true }) { harness in
            let objects = [
                "objectName: pkcs12-cert\nobjectType: secret\nobjectAlias: tls",
                "objectName: pkcs12-cert\nobjectType: secret\nobjectFormat: pfx\nobjectAlias: bundle.pfx",
                "objectName: secret1\nobjectType: secret",
            ]
            let response = try await harness.client.mount(try harness.request(.servicePrincipal(), objects: objects))
            // Go's order (.crt, .key, then the combined file); no empty .crt/.key for PFX output (Go issue #1277).
            #expect(response.files.map(\.path) == ["tls.crt", "tls.key", "tls", "bundle.pfx", "secret1"])
            #expect(Self.blocks(try #require(response.text("tls.crt"))) == ["CERTIFICATE", "CERTIFICATE", "CERTIFICATE"])
            #expect(Self.blocks(try #require(response.text("tls.key"))) == ["PRIVATE KEY"])
            let combined = try #require(response.text("tls"))
            #expect(combined == (try #require(response.text("tls.key"))) + (try #require(response.text("tls.crt"))))
            #expect(response.files.allSatisfy { !$0.contents.isEmpty })
        }
    }
}
