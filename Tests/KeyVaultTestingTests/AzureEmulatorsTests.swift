import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import KeyVaultCore
import KeyVaultTesting
import Logging
import Testing

@Suite("AzureEmulators: the four emulators together, seeded")
struct AzureEmulatorsTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Sends a request through a transport that trusts only the emulators' CA (plus the system roots).
    static func send(
        _ transport: AsyncHTTPClientTransport, _ method: HTTPRequest.Method, _ url: URL, headers: HTTPFields = [:],
        body: Data? = nil
    ) async throws -> HTTPTransportResponse {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        let path = components.percentEncodedPath + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        let request = HTTPRequest(
            method: method, scheme: "https", authority: "\(url.host!):\(url.port!)", path: path, headerFields: headers)
        return try await transport.send(request, body: body)
    }

    static func json(_ response: HTTPTransportResponse) -> [String: Any] {
        ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]) ?? [:]
    }

    static func clientSecretToken(
        _ transport: AsyncHTTPClientTransport, emulators: AzureEmulators, tenant: String, clientID: String,
        secret: String
    ) async throws -> String? {
        let form = [
            "grant_type=client_credentials", "client_id=\(clientID)", "client_secret=\(secret)",
            "scope=https%3A%2F%2Fvault.azure.net%2F.default", // the scope, sent to the loopback Entra emulator
        ].joined(separator: "&")
        let response = try await send(
            transport, .post, emulators.entra.tokenEndpoint(tenantID: tenant),
            headers: [.contentType: "application/x-www-form-urlencoded"], body: Data(form.utf8))
        return json(response)["access_token"] as? String
    }

    @Test("the sample seed serves its vault to a service principal, to a managed identity over IMDS, and refuses an outsider")
    func sampleSeedEndToEnd() async throws {
        let emulators = try await AzureEmulators.start(seed: .sample, logger: Self.logger)
        let sample = AzureEmulatorSeed.Sample.self
        do {
            let env = emulators.environment
            #expect(env["AZURE_AUTHORITY_HOST"] == emulators.entra.authorityHost.absoluteString)
            #expect(env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] == emulators.imds.endpoint.absoluteString)
            #expect(env["SSL_CERT_FILE"] == emulators.caFile.path)
            #expect(env["AZURE_CLIENT_ID"] == sample.servicePrincipal.clientID)
            let vaultURL = try #require(emulators.vaultURLs[sample.vaultName])
            #expect(env[AzureEmulators.vaultVariable(sample.vaultName)] == vaultURL.absoluteString)
            let caPEM = try String(contentsOf: emulators.caFile, encoding: .utf8)
            #expect(caPEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
            let tokenFile = try #require(env["AZURE_FEDERATED_TOKEN_FILE"])
            let serviceAccountToken = try String(contentsOfFile: tokenFile, encoding: .utf8)
            #expect(serviceAccountToken.split(separator: ".").count == 3)

            try await AsyncHTTPClientTransport.withTransport(
                configuration: .init(caBundlePath: emulators.caFile.path, ignoresEnvironmentProxy: true), environment: [:]
            ) { transport in
                let secretURL = vaultURL.appendingPathComponent("secrets/secret1/")
                let getURL = URL(string: secretURL.absoluteString + "?api-version=7.6")!
                // Challenge first.
                let challenge = try await Self.send(transport, .get, getURL)
                #expect(challenge.statusCode == 401)
                let header = challenge.response.headerFields[.wwwAuthenticate] ?? ""
                #expect(header.contains("authorization=\"\(emulators.entra.authorityHost.absoluteString)/\(sample.tenantID)\""))

                // Service principal with a client secret.
                let spToken = try #require(
                    try await Self.clientSecretToken(
                        transport, emulators: emulators, tenant: sample.tenantID,
                        clientID: sample.servicePrincipal.clientID, secret: sample.servicePrincipal.secret!))
                let read = try await Self.send(transport, .get, getURL, headers: [.authorization: "Bearer \(spToken)"])
                #expect(read.statusCode == 200)
                #expect(Self.json(read)["value"] as? String == "secret1 version 2")

                // The add-on's managed identity over IMDS.
                var imds = URLComponents(url: emulators.imds.tokenURL, resolvingAgainstBaseURL: false)!
                imds.queryItems = [
                    URLQueryItem(name: "api-version", value: "2018-02-01"),
                    URLQueryItem(name: "resource", value: "https://vault.azure.net"),
                    URLQueryItem(name: "client_id", value: sample.addonIdentity.clientID),
                ]
                let imdsResponse = try await Self.send(transport, .get, imds.url!, headers: [HTTPField.Name("Metadata")!: "true"])
                #expect(imdsResponse.statusCode == 200)
                let miToken = try #require(Self.json(imdsResponse)["access_token"] as? String)
                let certificate = try await Self.send(
                    transport, .get, URL(string: vaultURL.absoluteString + "/secrets/pkcs12-cert?api-version=7.6")!,
                    headers: [.authorization: "Bearer \(miToken)"])
                #expect(certificate.statusCode == 200)
                let pfx = try #require((Self.json(certificate)["value"] as? String).flatMap { Data(base64Encoded: $0) })
                let bundle = try PKCS12Bundle.parse([UInt8](pfx))
                #expect(bundle.certificatesDER.count == 3)
                #expect(bundle.privateKeyPKCS8DER != nil)

                // An application without a role.
                let outsider = try #require(
                    try await Self.clientSecretToken(
                        transport, emulators: emulators, tenant: sample.tenantID,
                        clientID: sample.unauthorizedApplication.clientID, secret: sample.unauthorizedApplication.secret!))
                let denied = try await Self.send(transport, .get, getURL, headers: [.authorization: "Bearer \(outsider)"])
                #expect(denied.statusCode == 403)
                #expect(((Self.json(denied)["error"] as? [String: Any])?["innererror"] as? [String: Any])?["code"] as? String == "ForbiddenByRbac")
            }
            let counters = await emulators.keyVault.counters(vault: sample.vaultName)
            #expect(counters.byStatus[401] == 1)
            #expect(counters.byStatus[403] == 1)
            #expect(counters.byStatus[200] == 2)
        } catch {
            await emulators.stop()
            throw error
        }
        let state = emulators.stateDirectory
        await emulators.stop()
        #expect(!FileManager.default.fileExists(atPath: state.path))
    }

    @Test("stopping the emulators with open client connections logs no error or warning")
    func quietStop() async throws {
        let capture = LogCapture()
        let emulators = try await AzureEmulators.start(seed: .sample, logger: capture.logger(label: "emulators", level: .warning))
        let settings = try emulators.keyVaultClientSettings(vault: AzureEmulatorSeed.Sample.vaultName)
        try await AsyncHTTPClientTransport.withTransport(configuration: settings.transportConfiguration) { transport in
            // A request leaves a kept-alive connection open while the servers stop.
            let response = try await transport.send(
                HTTPRequest(method: .get, targetURL: settings.vaultURL.appendingPathComponent("secrets/ExampleSecret")), body: nil)
            #expect(response.statusCode == 401)
            await emulators.stop()
        }
        #expect(capture.records.isEmpty, "\(capture.text)")
    }

    @Test("a JSON seed decodes, and an unknown role is refused with a clear error")
    func seedDecoding() async throws {
        let json = """
            {"tenants": [{"id": "t1", "applications": [{"clientId": "c", "objectId": "o", "secret": "s"}]}],
             "vaults": [{"name": "kv-one", "tenantId": "t1",
                         "secrets": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}],
                         "roleAssignments": [{"principalObjectId": "o", "role": "Key Vault Secret Reader"}]}]}
            """
        let good = json.replacingOccurrences(of: "Key Vault Secret Reader", with: "Key Vault Secrets User")
        let seed = try AzureEmulatorSeed.decode(json: Data(good.utf8))
        #expect(seed.vaults.first?.secrets?.count == 2)
        #expect(seed.vaults.first?.tenantID == "t1")
        #expect(seed.tenants.first?.applications?.first?.clientID == "c")
        #expect(seed.tenants.first?.applications?.first?.secret == "s")
        #expect(seed.vaults.first?.roleAssignments?.first?.role == .secretsUser)
        // The JSON keys stay as written (`clientId`, `tenantId`, `principalObjectId`) when encoded again.
        let encoded = String(decoding: try JSONEncoder().encode(seed), as: UTF8.self)
        #expect(encoded.contains("\"tenantId\":\"t1\"") && encoded.contains("\"principalObjectId\":\"o\""))
        do {
            _ = try AzureEmulatorSeed.decode(json: Data(json.utf8))
            Issue.record("an unknown role decoded")
        } catch let error as DecodingError {
            guard case .dataCorrupted(let context) = error else { Issue.record("\(error)"); return }
            #expect(context.debugDescription.contains("unknown role 'Key Vault Secret Reader'"))
            #expect(context.debugDescription.contains("Key Vault Secrets User"))
        }
    }
}
