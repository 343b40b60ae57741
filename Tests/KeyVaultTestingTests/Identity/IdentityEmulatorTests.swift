import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import KeyVaultTesting
import Logging
import Testing
import X509

@Suite struct IdentityEmulatorTests {
    static let tenant = "tenant-one"
    static let logger = Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })

    func withEmulators(_ body: (TestCertificateAuthority, EntraEmulator, IMDSEmulator, OIDCIssuerEmulator, AsyncHTTPClientTransport) async throws -> Void) async throws {
        let ca = try TestCertificateAuthority()
        let entra = try await EntraEmulator.start(certificateAuthority: ca, logger: Self.logger)
        let imds = try await IMDSEmulator.start(entra: entra, tenantID: Self.tenant, certificateAuthority: ca, logger: Self.logger)
        let issuer = try await OIDCIssuerEmulator.start(certificateAuthority: ca, logger: Self.logger)
        let transport = try AsyncHTTPClientTransport(configuration: .init(additionalTrustRootsPEM: [ca.caPEM], ignoresEnvironmentProxy: true), environment: [:])
        do {
            try await body(ca, entra, imds, issuer, transport)
        } catch {
            try? await transport.shutdown()
            await issuer.stop(); await imds.stop(); await entra.stop()
            throw error
        }
        try? await transport.shutdown()
        await issuer.stop(); await imds.stop(); await entra.stop()
    }

    func json(_ response: HTTPTransportResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test func accessTokensVerifyAndTamperedOrExpiredOnesDoNot() async throws {
        try await withEmulators { _, entra, _, _, _ in
            let minted = try entra.mintAccessToken(tenantID: Self.tenant, audience: "https://vault.azure.net", clientID: "app", objectID: "oid", lifetime: 600)
            let claims = try await entra.verifyAccessToken(minted.token)
            #expect(claims == EntraAccessTokenClaims(aud: "https://vault.azure.net", tid: Self.tenant, oid: "oid", appid: "app", exp: minted.expiresOn, iss: "https://sts.windows.net/\(Self.tenant)/"))

            var parts = minted.token.split(separator: ".").map(String.init)
            parts[1] = parts[1].replacingOccurrences(of: "A", with: "B")
            await #expect(throws: EmulatorError.self) { try await entra.verifyAccessToken(parts.joined(separator: ".")) }
            await #expect(throws: EmulatorError.self) { try await entra.verifyAccessToken(minted.token, now: Date().addingTimeInterval(601)) }
            await #expect(throws: EmulatorError.self) { try await entra.verifyAccessToken("not-a-jwt") }
        }
    }

    @Test func imdsNeedsTheMetadataHeaderAndAnswersWithStringNumbers() async throws {
        try await withEmulators { _, entra, imds, _, transport in
            await imds.addManagedIdentity(clientID: "mi", objectID: "mi-oid", systemAssigned: true)
            let url = URL(string: imds.tokenURL.absoluteString + "?api-version=2018-02-01&resource=https://vault.azure.net")!
            let without = try await transport.send(HTTPRequest(method: .get, targetURL: url), body: nil)
            #expect(without.statusCode == 400)
            #expect(try json(without)["error_description"] as? String == "Required metadata header not specified")

            var headers = HTTPFields()
            headers[HTTPField.Name("Metadata")!] = "true"
            let with = try await transport.send(HTTPRequest(method: .get, targetURL: url, headerFields: headers), body: nil)
            #expect(with.statusCode == 200)
            let body = try json(with)
            #expect(body["expires_in"] is String)
            #expect(body["expires_on"] is String)
            #expect(body["client_id"] as? String == "mi")
            let token = try #require(body["access_token"] as? String)
            #expect(try await entra.verifyAccessToken(token).oid == "mi-oid")
        }
    }

    @Test func discoveryDocumentsAreServed() async throws {
        try await withEmulators { _, entra, _, issuer, transport in
            await entra.addTenant(Self.tenant)
            let entraConfig = try await transport.send(
                HTTPRequest(method: .get, targetURL: entra.authorityHost.appendingPathComponent("\(Self.tenant)/v2.0/.well-known/openid-configuration")), body: nil)
            #expect(try json(entraConfig)["token_endpoint"] as? String == entra.tokenEndpoint(tenantID: Self.tenant).absoluteString)

            let issuerConfig = try await transport.send(
                HTTPRequest(method: .get, targetURL: issuer.server.baseURL.appendingPathComponent(".well-known/openid-configuration")), body: nil)
            let document = try json(issuerConfig)
            #expect(document["issuer"] as? String == issuer.issuer)
            let jwksURL = try #require((document["jwks_uri"] as? String).flatMap(URL.init(string:)))
            let jwks = try json(try await transport.send(HTTPRequest(method: .get, targetURL: jwksURL), body: nil))
            #expect((jwks["keys"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func tokenEndpointErrorsUseEntraShape() async throws {
        try await withEmulators { _, entra, _, _, transport in
            await entra.registerApplication(tenantID: Self.tenant, clientID: "app", objectID: "oid", secret: "right")
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let response = try await transport.send(
                HTTPRequest(method: .post, targetURL: entra.tokenEndpoint(tenantID: Self.tenant), headerFields: headers),
                body: Data("grant_type=client_credentials&client_id=app&client_secret=wrong&scope=https%3A%2F%2Fvault.azure.net%2F.default".utf8) // to the loopback emulator
            )
            #expect(response.statusCode == 401)
            let body = try json(response)
            #expect(body["error"] as? String == "invalid_client")
            #expect(body["error_codes"] as? [Int] == [7000215])
            #expect((body["error_description"] as? String)?.hasPrefix("AADSTS7000215: ") == true)
            #expect(body["trace_id"] is String)
            #expect(body["correlation_id"] is String)
        }
    }

    @Test func certificateAuthorityIssuesLoopbackServerCertificates() throws {
        let ca = try TestCertificateAuthority()
        let server = ca.serverCertificate.certificate
        #expect(server.issuer == ca.caCertificate.subject)
        let san = try #require(try server.extensions.subjectAlternativeNames)
        #expect(san.contains(.dnsName("localhost")))
        #expect(san.count == 3)
        let extra = try ca.issueCertificate(commonName: "client", dnsNames: ["a.example"], ipAddresses: ["::1"])
        #expect(extra.privateKey != nil)
        #expect(extra.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(throws: EmulatorError.self) { try ca.issueCertificate(commonName: "x", ipAddresses: ["not-an-ip"]) }
    }

    @Test func faultInjectorCountsAndScripts() async throws {
        try await withEmulators { _, _, imds, _, transport in
            await imds.faults.enqueue([.status(410), .throttled(retryAfterSeconds: 5)], pathPrefix: IMDSEmulator.tokenPath)
            let url = imds.tokenURL
            let first = try await transport.send(HTTPRequest(method: .get, targetURL: url), body: nil)
            let second = try await transport.send(HTTPRequest(method: .get, targetURL: url), body: nil)
            let third = try await transport.send(HTTPRequest(method: .get, targetURL: url), body: nil)
            #expect(first.statusCode == 410)
            #expect(second.statusCode == 429)
            #expect(second.response.headerFields[.retryAfter] == "5")
            #expect(third.statusCode == 400, "the real handler answered: no Metadata header")
            #expect(await imds.faults.requestCount(pathPrefix: IMDSEmulator.tokenPath) == 3)
            #expect(await imds.faults.injectedFaultCount == 2)
            #expect(await imds.faults.pendingFaultCount == 0)
            #expect(await imds.faults.responseCount(status: 410) == 1)
        }
    }
}
