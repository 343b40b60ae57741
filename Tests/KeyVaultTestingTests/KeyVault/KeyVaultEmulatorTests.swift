import Crypto
import Foundation
import HTTPTypes
import KeyVaultCore
import KeyVaultTesting
import Testing
import SwiftASN1
import X509
import _CryptoExtras

@Suite("Key Vault emulator: wire protocol")
struct KeyVaultEmulatorTests {
    @Test("a request without a token gets 401 with the Key Vault challenge")
    func challenge() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.emulator.setSecret(vault: KeyVaultEmulatorFixture.vault, name: "s", value: "v")
        let response = await fixture.send(.get, "/secrets/s/?api-version=7.6", token: nil)
        #expect(response.status.code == 401)
        #expect(
            response.headerFields[.wwwAuthenticate]
                == "Bearer authorization=\"https://127.0.0.1:9999/\(KeyVaultEmulatorFixture.tenant)\", resource=\"https://vault.azure.net\""
        )
        #expect(response.errorCode == "Unauthorized")
        #expect(response.errorMessage == "AKV10000: Request is missing a Bearer or PoP token.")
        #expect(response.jsonObject()?["value"] == nil)
    }

    @Test("tokens are checked for signature, audience, tenant and expiry")
    func tokenChecks() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin("alice")
        try await fixture.emulator.setSecret(vault: KeyVaultEmulatorFixture.vault, name: "s", value: "v")
        let bad = await fixture.send(.get, "/secrets/s?api-version=7.6", token: "bad-token")
        #expect(bad.status.code == 401)
        #expect(bad.headerFields[.wwwAuthenticate] != nil)
        let audience = await fixture.send(.get, "/secrets/s?api-version=7.6", token: "aud:alice")
        #expect(audience.status.code == 401)
        #expect(audience.errorMessage?.hasPrefix("AKV10022: Invalid audience. Expected https://vault.azure.net") == true)
        let tenant = await fixture.send(.get, "/secrets/s?api-version=7.6", token: "tid:alice")
        #expect(tenant.errorMessage?.hasPrefix("AKV10032: Invalid issuer.") == true)
        let expired = await fixture.send(.get, "/secrets/s?api-version=7.6", token: "exp:alice")
        #expect(expired.status.code == 401)
        let good = await fixture.send(.get, "/secrets/s?api-version=7.6", token: "alice")
        #expect(good.status.code == 200)
    }

    @Test("a secret has Key Vault's SecretBundle shape, latest and by version")
    func secretShape() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let vault = KeyVaultEmulatorFixture.vault
        let first = try await fixture.emulator.setSecret(
            vault: vault, name: "db-password", value: "one", contentType: "text/plain", tags: ["env": "test"])
        let second = try await fixture.emulator.setSecret(vault: vault, name: "db-password", value: "two")
        #expect(first.count == 32 && first != second)

        let latest = try #require(await fixture.send(.get, "/secrets/db-password/?api-version=7.6").jsonObject())
        #expect(latest["value"] as? String == "two")
        #expect(latest["id"] as? String == "https://127.0.0.1:8443/secrets/db-password/\(second)")
        let attributes = try #require(latest["attributes"] as? [String: Any])
        #expect(attributes["enabled"] as? Bool == true)
        #expect(attributes["created"] as? Int == Int(fixture.clock.now.timeIntervalSince1970))
        #expect(attributes["recoveryLevel"] as? String == "Recoverable+Purgeable")
        #expect(latest["kid"] == nil)

        let old = try #require(await fixture.send(.get, "/secrets/db-password/\(first)?api-version=7.6").jsonObject())
        #expect(old["value"] as? String == "one")
        #expect(old["contentType"] as? String == "text/plain")
        #expect((old["tags"] as? [String: String]) == ["env": "test"])

        let previous = try #require(await fixture.send(.get, "/secrets/db-password?api-version=2025-07-01").jsonObject())
        #expect(previous["previousVersion"] as? String == first)
    }

    @Test("PUT /secrets/{name} sets a new version")
    func setSecretOverHTTP() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let response = await fixture.send(
            .put, "/secrets/api-key?api-version=7.6",
            body: ["value": "s3cret", "contentType": "text/plain", "attributes": ["enabled": true, "exp": 2_000_000_000]])
        #expect(response.status.code == 200)
        let body = try #require(response.jsonObject())
        #expect(body["value"] as? String == "s3cret")
        #expect((body["attributes"] as? [String: Any])?["exp"] as? Int == 2_000_000_000)
        let versions = await fixture.emulator.secretVersions(vault: KeyVaultEmulatorFixture.vault, name: "api-key")
        #expect(versions.count == 1)
        #expect((body["id"] as? String)?.hasSuffix(versions[0]) == true)
    }

    @Test("missing objects give SecretNotFound, KeyNotFound and CertificateNotFound with Key Vault's text")
    func notFound() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let secret = await fixture.send(.get, "/secrets/nope/?api-version=7.6")
        #expect(secret.status.code == 404)
        #expect(secret.errorCode == "SecretNotFound")
        #expect(secret.errorMessage?.hasPrefix("A secret with (name/id) nope was not found in this key vault.") == true)
        let key = await fixture.send(.get, "/keys/nope/0123?api-version=7.6")
        #expect(key.errorCode == "KeyNotFound")
        #expect(key.errorMessage?.contains("(name/id) nope/0123") == true)
        let certificate = await fixture.send(.get, "/certificates/nope?api-version=7.6")
        #expect(certificate.errorCode == "CertificateNotFound")
    }

    @Test("a disabled secret version answers 403 SecretDisabled but stays listed")
    func disabledSecret() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let vault = KeyVaultEmulatorFixture.vault
        let version = try await fixture.emulator.setSecret(vault: vault, name: "s", value: "v")
        try await fixture.emulator.disable(vault: vault, secret: "s", version: version)
        let response = await fixture.send(.get, "/secrets/s/\(version)?api-version=7.6")
        #expect(response.status.code == 403)
        #expect(response.innerErrorCode == "SecretDisabled")
        let list = try #require(await fixture.send(.get, "/secrets/s/versions?api-version=7.6").jsonObject())
        let items = try #require(list["value"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect((items[0]["attributes"] as? [String: Any])?["enabled"] as? Bool == false)
        #expect(items[0]["value"] == nil)
    }

    @Test("version lists page with maxresults and an absolute nextLink carrying api-version and $skiptoken")
    func paging() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        var made: [String] = []
        for index in 0..<5 {
            made.append(try await fixture.emulator.setSecret(vault: KeyVaultEmulatorFixture.vault, name: "p", value: "\(index)"))
        }
        var seen: [String] = []
        var pages = 0
        var next: String? = "/secrets/p/versions?api-version=7.6&maxresults=2"
        while let target = next {
            let body = try #require(await fixture.send(.get, target).jsonObject())
            let items = try #require(body["value"] as? [[String: Any]])
            #expect(items.count <= 2)
            seen += items.compactMap { ($0["id"] as? String)?.split(separator: "/").last.map(String.init) }
            pages += 1
            if let link = body["nextLink"] as? String {
                #expect(link.hasPrefix("https://127.0.0.1:8443/secrets/p/versions?api-version=7.6&$skiptoken="))
                #expect(link.hasSuffix("&maxresults=2"))
                next = String(link.dropFirst("https://127.0.0.1:8443".count))
            } else {
                #expect(body["nextLink"] is NSNull)
                next = nil
            }
        }
        #expect(pages == 3)
        #expect(seen == made)
        let bad = await fixture.send(.get, "/secrets/p/versions?api-version=7.6&maxresults=0")
        #expect(bad.errorCode == "BadParameter")
        let noVersion = await fixture.send(.get, "/secrets/p/versions")
        #expect(noVersion.status.code == 400)
        #expect(noVersion.errorCode == "BadParameter")
    }

    @Test("keys have the KeyBundle/JWK shape for RSA and EC, by the Swift API and POST /keys/{name}/create")
    func keys() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let vault = KeyVaultEmulatorFixture.vault
        let version = try await fixture.emulator.createKey(vault: vault, name: "rsa", spec: .rsa2048)
        let rsa = try #require(await fixture.send(.get, "/keys/rsa/?api-version=7.6").jsonObject())
        let jwk = try #require(rsa["key"] as? [String: Any])
        #expect(jwk["kid"] as? String == "https://127.0.0.1:8443/keys/rsa/\(version)")
        #expect(jwk["kty"] as? String == "RSA")
        #expect(jwk["e"] as? String == "AQAB")
        #expect((jwk["n"] as? String)?.count == 342)
        #expect(jwk["d"] == nil)

        let created = await fixture.send(.post, "/keys/ec/create?api-version=7.6", body: ["kty": "EC", "crv": "P-384"])
        #expect(created.status.code == 200)
        let ec = try #require((created.jsonObject()?["key"]) as? [String: Any])
        #expect(ec["crv"] as? String == "P-384")
        let x = try #require(ec["x"] as? String)
        let y = try #require(ec["y"] as? String)
        #expect(x.count == 64 && y.count == 64)
        #expect(!x.contains("=") && !x.contains("+") && !x.contains("/"))
        // The coordinates are a valid point: swift-crypto accepts them.
        let raw = try #require(Data(base64URL: x)) + (try #require(Data(base64URL: y)))
        #expect(throws: Never.self) { _ = try P384.Signing.PublicKey(rawRepresentation: raw) }
    }

    @Test("importing a PFX made by openssl creates the certificate, its key and its PKCS#12 secret under one version")
    func importPFX() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let material = try OpenSSLCommand.makeRSAPFX(password: "pw")
        let response = await fixture.send(
            .post, "/certificates/web/import?api-version=7.6",
            body: ["value": material.pfx.base64EncodedString(), "pwd": "pw"])
        #expect(response.status.code == 200)
        let bundle = try #require(response.jsonObject())
        let id = try #require(bundle["id"] as? String)
        let version = String(id.split(separator: "/").last!)
        #expect(bundle["kid"] as? String == "https://127.0.0.1:8443/keys/web/\(version)")
        #expect(bundle["sid"] as? String == "https://127.0.0.1:8443/secrets/web/\(version)")
        let cer = try #require((bundle["cer"] as? String).flatMap { Data(base64Encoded: $0) })
        #expect(cer == material.certificateDER)
        let thumbprint = Data(Insecure.SHA1.hash(data: cer)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        #expect(bundle["x5t"] as? String == thumbprint)

        let secret = try #require(await fixture.send(.get, "/secrets/web/?api-version=7.6").jsonObject())
        #expect(secret["contentType"] as? String == "application/x-pkcs12")
        #expect(secret["kid"] as? String == "https://127.0.0.1:8443/keys/web/\(version)")
        #expect(secret["managed"] as? Bool == true)
        let pfx = try #require((secret["value"] as? String).flatMap { Data(base64Encoded: $0) })
        let parsed = try PKCS12Bundle.parse([UInt8](pfx), password: "")
        #expect(parsed.privateKeyPKCS8DER != nil)
        #expect(parsed.certificatesDER.first.map { Data($0) } == material.certificateDER)

        let key = try #require((await fixture.send(.get, "/keys/web/\(version)?api-version=7.6").jsonObject()?["key"]) as? [String: Any])
        let certificate = try Certificate(derEncoded: [UInt8](cer))
        let rsa = try #require(_RSA.Signing.PublicKey(certificate.publicKey))
        let modulus = try rsa.getKeyPrimitives().modulus
        #expect(Data(base64URL: key["n"] as? String ?? "") == modulus.drop(while: { $0 == 0 }))
        #expect((await fixture.send(.get, "/keys/web?api-version=7.6")).jsonObject()?["managed"] as? Bool == true)
    }

    @Test("a wrong PFX password is a 400 BadParameter")
    func importWrongPassword() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let material = try OpenSSLCommand.makeRSAPFX(password: "pw")
        let response = await fixture.send(
            .post, "/certificates/web/import?api-version=7.6",
            body: ["value": material.pfx.base64EncodedString(), "pwd": "wrong"])
        #expect(response.status.code == 400)
        #expect(response.errorCode == "BadParameter")
    }

    @Test("a generated chain is stored leaf first, as PKCS#12 or PEM, and outContentType converts")
    func chains() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let vault = KeyVaultEmulatorFixture.vault
        let chain = try await fixture.emulator.createCertificateChain(
            vault: vault, name: "chain", subject: "app.example", dnsNames: ["app.example"], depth: 3, keySpec: .ecP256)
        #expect(chain.certificatesDER.count == 3)
        let leaf = try Certificate(derEncoded: [UInt8](chain.certificatesDER[0]))
        let intermediate = try Certificate(derEncoded: [UInt8](chain.certificatesDER[1]))
        let root = try Certificate(derEncoded: [UInt8](chain.certificatesDER[2]))
        #expect(leaf.issuer == intermediate.subject)
        #expect(intermediate.issuer == root.subject)
        #expect(root.issuer == root.subject)

        let secret = try #require(await fixture.send(.get, "/secrets/chain?api-version=7.6").jsonObject())
        let pfx = try #require((secret["value"] as? String).flatMap { Data(base64Encoded: $0) })
        let parsed = try PKCS12Bundle.parse([UInt8](pfx))
        #expect(Set(parsed.certificatesDER.map { Data($0) }) == Set(chain.certificatesDER))
        #expect(parsed.privateKeyPKCS8DER.map { Data($0) } == chain.leafPrivateKeyPKCS8DER)

        let pem = try #require(
            await fixture.send(.get, "/secrets/chain?api-version=2025-07-01&outContentType=application/x-pem-file")
                .jsonObject())
        #expect(pem["contentType"] as? String == "application/x-pem-file")
        let text = try #require(pem["value"] as? String)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(text.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 4)

        try await fixture.emulator.createCertificateChain(
            vault: vault, name: "pemcert", subject: "pem.example", depth: 2, secretContentType: "application/x-pem-file")
        let pemSecret = try #require(await fixture.send(.get, "/secrets/pemcert?api-version=7.6").jsonObject())
        #expect(pemSecret["contentType"] as? String == "application/x-pem-file")
        let policy = try #require(
            (await fixture.send(.get, "/certificates/pemcert?api-version=7.6")).jsonObject()?["policy"] as? [String: Any])
        #expect((policy["secret_props"] as? [String: Any])?["contentType"] as? String == "application/x-pem-file")
    }

    @Test("a PEM import through the API keeps the PEM bundle as the secret")
    func importPEM() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let material = try OpenSSLCommand.makeRSAPFX(password: "")
        let response = await fixture.send(
            .post, "/certificates/pem/import?api-version=7.6",
            body: ["value": material.pem, "policy": ["secret_props": ["contentType": "application/x-pem-file"]]])
        #expect(response.status.code == 200)
        let secret = try #require(await fixture.send(.get, "/secrets/pem?api-version=7.6").jsonObject())
        #expect(secret["contentType"] as? String == "application/x-pem-file")
        let value = try #require(secret["value"] as? String)
        #expect(value.contains("-----BEGIN PRIVATE KEY-----"))
        #expect(value.contains("-----BEGIN CERTIFICATE-----"))
    }

    @Test("a JWK the emulator cannot generate (P-256K) is stored without its private fields")
    func importedJWK() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let x = Data(repeating: 0x11, count: 32).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let version = try await fixture.emulator.importKey(
            vault: KeyVaultEmulatorFixture.vault, name: "k256",
            jwk: ["kty": "EC", "crv": "P-256K", "x": x, "y": x, "d": "c2VjcmV0"])
        let key = try #require((await fixture.send(.get, "/keys/k256/\(version)?api-version=7.6").jsonObject()?["key"]) as? [String: Any])
        #expect(key["crv"] as? String == "P-256K")
        #expect(key["x"] as? String == x)
        #expect(key["d"] == nil)
        #expect(key["key_ops"] as? [String] == ["sign", "verify"])
    }

    @Test("disabling a certificate version disables its key and backing secret too")
    func disableCertificate() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let vault = KeyVaultEmulatorFixture.vault
        let chain = try await fixture.emulator.createSelfSignedCertificate(vault: vault, name: "c", subject: "c.example", keySpec: .ecP256)
        try await fixture.emulator.setSecret(vault: vault, name: "c", value: "a later plain version")
        try await fixture.emulator.setEnabled(vault: vault, kind: .certificate, name: "c", enabled: false)
        #expect(await fixture.send(.get, "/secrets/c/\(chain.version)?api-version=7.6").innerErrorCode == "SecretDisabled")
        #expect(await fixture.send(.get, "/keys/c/\(chain.version)?api-version=7.6").status.code == 403)
        #expect(await fixture.send(.get, "/secrets/c?api-version=7.6").status.code == 200)
        let certificate = try #require(await fixture.send(.get, "/certificates/c?api-version=7.6").jsonObject())
        #expect((certificate["attributes"] as? [String: Any])?["enabled"] as? Bool == false)
        #expect((certificate["policy"] as? [String: Any]).flatMap { ($0["issuer"] as? [String: Any])?["name"] as? String } == "Self")
    }
}
