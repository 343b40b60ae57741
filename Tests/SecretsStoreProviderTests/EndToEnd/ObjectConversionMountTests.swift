import Foundation
import KeyVaultTesting
import MountWriter
import Testing
@testable import SecretsStoreProvider

/// Every object type, format, encoding and version-history case, through a real mount against the emulators,
/// checked on disk (independently with the `openssl` command line where it applies).
@Suite(.serialized) struct ObjectConversionMountTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func everyTypeFormatAndEncoding() async throws {
        try await EmulatedMount.run { env in
            let kv = env.emulators.keyVault
            let raw = "binary\u{0}payload"
            try await kv.setSecret(vault: Sample.vaultName, name: "b64", value: Data(raw.utf8).base64EncodedString())
            try await kv.setSecret(vault: Sample.vaultName, name: "hexed", value: Data("hex value".utf8).map { String(format: "%02x", $0) }.joined())
            let objects = [
                "objectName: pkcs12-cert\nobjectType: secret\nobjectAlias: tls.pem\nfilePermission: \"0600\"",
                "objectName: pkcs12-cert\nobjectType: cert\nobjectAlias: tls.crt",
                "objectName: pkcs12-cert\nobjectType: key\nobjectAlias: tls.pub",
                "objectName: pkcs12-cert\nobjectType: secret\nobjectAlias: tls.pfx.b64\nobjectFormat: pfx",
                "objectName: pkcs12-cert\nobjectType: secret\nobjectAlias: tls.pfx\nobjectFormat: PFX\nobjectEncoding: base64",
                "objectName: pem-cert\nobjectType: secret\nobjectAlias: pem/bundle.pem",
                "objectName: pem-cert\nobjectType: secret\nobjectAlias: pem/bundle.pfx\nobjectFormat: pfx\nobjectEncoding: base64",
                "objectName: ec-key1\nobjectType: key",
                "objectName: b64\nobjectType: secret\nobjectEncoding: base64",
                "objectName: hexed\nobjectType: secret\nobjectEncoding: HEX",
            ]
            let directory = env.directory("all")
            let outcome = try await env.provider.mount(try env.request(.servicePrincipal(), objects: objects), into: directory)
            #expect(outcome.result.files.count == objects.count)

            // PKCS#12-backed secret: PKCS#8 key first, then the chain leaf -> intermediate -> root.
            let pem = try env.read(directory, "tls.pem")
            #expect(OpenSSLTool.pemBlocks(pem).map(\.type) == ["PRIVATE KEY", "CERTIFICATE", "CERTIFICATE", "CERTIFICATE"])
            #expect(try OpenSSLTool.certificateSubjects(pem) == ["app.sample.example", "app.sample.example Intermediate CA 1", "app.sample.example Root CA"])
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/..data/tls.pem")
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            // The private key matches the leaf certificate.
            let blocks = OpenSSLTool.pemBlocks(pem)
            let keyPublic = try OpenSSLTool.run(["pkey", "-pubout"], input: Array(blocks[0].block.utf8))
            let certPublic = try OpenSSLTool.run(["x509", "-noout", "-pubkey"], input: Array(blocks[1].block.utf8))
            #expect(keyPublic == certPublic)
            // cert: the leaf only; key: the same public key.
            let crt = try env.read(directory, "tls.crt")
            #expect(try OpenSSLTool.certificateSubjects(crt) == ["app.sample.example"])
            #expect(try env.read(directory, "tls.pub") == certPublic)
            // pfx: base64 text, and binary with objectEncoding base64; openssl reads both with an empty password.
            let pfxText = try env.read(directory, "tls.pfx.b64")
            let pfxBinary = try env.readBytes(directory, "tls.pfx")
            #expect(Data(base64Encoded: pfxText).map(Array.init) == pfxBinary)
            let pfxCerts = try OpenSSLTool.run(["pkcs12", "-nokeys", "-passin", "pass:"], input: pfxBinary)
            #expect(OpenSSLTool.pemBlocks(pfxCerts).count == 3)
            // PEM-backed certificate: kept verbatim; as pfx, built from the PEM (the Go provider cannot).
            let pemBundle = try env.read(directory, "pem/bundle.pem")
            #expect(OpenSSLTool.pemBlocks(pemBundle).contains { $0.type == "CERTIFICATE" })
            let builtPFX = try env.readBytes(directory, "pem/bundle.pfx")
            let builtKey = try OpenSSLTool.run(["pkcs12", "-nocerts", "-nodes", "-passin", "pass:"], input: builtPFX)
            #expect(OpenSSLTool.pemBlocks(builtKey).contains { $0.type == "PRIVATE KEY" })
            // EC key: a SubjectPublicKeyInfo openssl reads as EC P-256.
            let ecText = try OpenSSLTool.run(["pkey", "-pubin", "-noout", "-text"], input: try env.readBytes(directory, "ec-key1"))
            #expect(ecText.contains("prime256v1") || ecText.contains("P-256"))
            // Encodings.
            #expect(try env.readBytes(directory, "b64") == Array(raw.utf8))
            #expect(try env.read(directory, "hexed") == "hex value")
        }
    }

    @Test func versionHistoryWritesExactlyNFilesNewestFirst() async throws {
        try await EmulatedMount.run { env in
            let kv = env.emulators.keyVault
            // secret1 has two versions in the seed; add three more and disable one of them.
            try await kv.setSecret(vault: Sample.vaultName, name: "secret1", value: "v3")
            try await kv.setSecret(vault: Sample.vaultName, name: "secret1", value: "v4")
            try await kv.setSecret(vault: Sample.vaultName, name: "secret1", value: "v5")
            let versions = await kv.secretVersions(vault: Sample.vaultName, name: "secret1")
            try await kv.disable(vault: Sample.vaultName, secret: "secret1", version: versions[3])
            let directory = env.directory("history")
            let outcome = try await env.provider.mount(
                try env.request(.servicePrincipal(), objects: [
                    "objectName: secret1\nobjectType: secret\nobjectAlias: hist\nobjectVersionHistory: 3",
                    "objectName: ExampleSecret\nobjectType: secret\nobjectVersionHistory: 4",
                ]),
                into: directory
            )
            // Exactly 3 files (the Go provider writes 4 here), newest first, the disabled v4 skipped.
            #expect(outcome.result.files.map(\.path) == ["hist/0", "hist/1", "hist/2", "ExampleSecret/0"])
            #expect(try env.read(directory, "hist/0") == "v5")
            #expect(try env.read(directory, "hist/1") == "v3")
            #expect(try env.read(directory, "hist/2") == "secret1 version 2")
            #expect(outcome.result.objectVersions["secret/secret1/0"] == versions[4])
            #expect(outcome.result.objectVersions["secret/secret1/1"] == versions[2])
            #expect(!FileManager.default.fileExists(atPath: directory + "/hist/3"))
        }
    }
}
