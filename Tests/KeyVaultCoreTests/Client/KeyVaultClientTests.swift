import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import Logging
import Testing
@testable import KeyVaultCore

@Suite("KeyVaultClient")
struct KeyVaultClientTests {
    static let vault = URL(string: "https://myvault.vault.azure.net/")!

    static let secretBody = #"""
    {"value":"s3cr3t-value","id":"https://myvault.vault.azure.net/secrets/db/fa30baf29582406ca154583060b42e39",
     "contentType":"text/plain","attributes":{"enabled":true,"nbf":1628270437,"exp":2527401600,"created":1648222079,
     "updated":1648222080,"recoveryLevel":"CustomizedRecoverable+Purgeable","recoverableDays":7},"tags":{"foo":"bar"}}
    """#

    func makeClient(
        _ transport: ScriptedTransport, credential: StaticTokenCredential = StaticTokenCredential { "token-\($0)" },
        options: KeyVaultClient.Options = .init(clock: ManualClock()), logger: Logger = Logger(label: "test")
    ) throws -> KeyVaultClient {
        try KeyVaultClient(vaultURL: Self.vault, credential: credential, transport: transport, options: options, logger: logger)
    }

    @Test("challenge flow: unauthenticated first, then the token for the challenge's scope and tenant")
    func challengeFlow() async throws {
        let transport = ScriptedTransport { request, _, _ in
            request.headerFields[.authorization] == nil ? HTTPTransportResponse.keyVaultChallenge() : HTTPTransportResponse.json(200, Self.secretBody)
        }
        let credential = StaticTokenCredential { "token-\($0)" }
        let (logger, logs) = RecordingLogHandler.make()
        let client = try makeClient(transport, credential: credential, logger: logger)

        let secret = try await client.getSecret(name: "db")
        #expect(secret.value == "s3cr3t-value")
        #expect(secret.contentType == "text/plain")
        #expect(secret.version == "fa30baf29582406ca154583060b42e39")
        #expect(secret.attributes?.enabled == true)
        #expect(secret.attributes?.created == Date(timeIntervalSince1970: 1648222079))
        #expect(secret.attributes?.updated == Date(timeIntervalSince1970: 1648222080))
        #expect(secret.tags == ["foo": "bar"])
        #expect(secret.kid == nil)
        #expect(!secret.description.contains("s3cr3t"))

        let requests = transport.requests
        #expect(requests.count == 2)
        #expect(requests[0].headerFields[.authorization] == nil)
        #expect(requests[0].path == "/secrets/db/?api-version=\(KeyVaultClient.defaultAPIVersion)")
        #expect(requests[0].authority == "myvault.vault.azure.net")
        #expect(requests[1].headerFields[.authorization] == "Bearer token-1")
        #expect(credential.requests == [
            TokenRequestContext(scopes: ["https://vault.azure.net/.default"], tenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47")
        ])

        // The challenge is cached: the next request carries a token straight away.
        _ = try await client.getSecret(name: "db", version: "fa30baf29582406ca154583060b42e39")
        #expect(transport.requests.count == 3)
        #expect(transport.requests[2].headerFields[.authorization] == "Bearer token-2")
        #expect(transport.requests[2].path == "/secrets/db/fa30baf29582406ca154583060b42e39?api-version=\(KeyVaultClient.defaultAPIVersion)")
        #expect(!logs.messages.joined().contains("token-"))
        #expect(!logs.messages.joined().contains("s3cr3t"))
    }

    @Test("a challenge whose resource does not match the host is refused and no token is requested or sent")
    func challengeMismatch() async throws {
        let transport = ScriptedTransport { _, _, _ in HTTPTransportResponse.keyVaultChallenge(resource: "https://vault.attacker.example") }
        let credential = StaticTokenCredential { "token-\($0)" }
        let client = try makeClient(transport, credential: credential)
        let error = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "db") }
        #expect(error?.code == .challengeResourceMismatch)
        #expect(error?.description.contains("aka.ms/azsdk/blog/vault-uri") == true)
        #expect(credential.requests.isEmpty)
        #expect(transport.requests.count == 1)
        #expect(transport.requests.allSatisfy { $0.headerFields[.authorization] == nil })
    }

    @Test("verification can be switched off for emulators; scope is preferred over resource")
    func verificationOff() async throws {
        let transport = ScriptedTransport { request, _, _ in
            if request.headerFields[.authorization] == nil {
                return HTTPTransportResponse.json(401, "{}", headers: [
                    "WWW-Authenticate":
                    #"Bearer authorization_uri="https://127.0.0.1:9999/tenant-x/oauth2/authorize", resource="https://other.example", scope="https://emulator.local/.default""#
                ])
            }
            return HTTPTransportResponse.json(200, Self.secretBody)
        }
        let credential = StaticTokenCredential { "token-\($0)" }
        let client = try makeClient(transport, credential: credential, options: .init(verifyChallengeResource: false, clock: ManualClock()))
        _ = try await client.getSecret(name: "db")
        #expect(credential.requests.first?.scopes == ["https://emulator.local/.default"])
        #expect(credential.requests.first?.tenantID == "tenant-x")
    }

    @Test("a 401 without a challenge clears the cache, so the next request starts with a fresh challenge")
    func unauthorizedWithoutChallenge() async throws {
        let transport = ScriptedTransport { request, _, index in
            switch index {
            case 0: return HTTPTransportResponse.keyVaultChallenge()
            case 1: return HTTPTransportResponse.json(200, Self.secretBody)
            case 2: return HTTPTransportResponse.json(401, #"{"error":{"code":"Unauthorized","message":"token expired"}}"#)
            default:
                return request.headerFields[.authorization] == nil
                    ? HTTPTransportResponse.keyVaultChallenge() : HTTPTransportResponse.json(200, Self.secretBody)
            }
        }
        let client = try makeClient(transport)
        _ = try await client.getSecret(name: "db")
        let error = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "db") }
        #expect(error?.code == .unauthorized)
        #expect(error?.statusCode == 401)
        _ = try await client.getSecret(name: "db")
        let requests = transport.requests
        #expect(requests.count == 5)
        #expect(requests[3].headerFields[.authorization] == nil)
        #expect(requests[4].headerFields[.authorization] != nil)
    }

    @Test("a CAE claims challenge is answered once with a token for the claims")
    func claimsChallenge() async throws {
        let claims = #"{"access_token":{"nbf":{"essential":true,"value":"1"}}}"#
        let encoded = Data(claims.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let transport = ScriptedTransport { _, _, index in
            switch index {
            case 0: return HTTPTransportResponse.keyVaultChallenge()
            case 1:
                return HTTPTransportResponse.json(401, "{}", headers: [
                    "WWW-Authenticate":
                    #"Bearer authorization="https://login.windows.net/t", resource="https://vault.azure.net", error="insufficient_claims", claims="\#(encoded)""#
                ])
            default: return HTTPTransportResponse.json(200, Self.secretBody)
            }
        }
        let credential = StaticTokenCredential { "token-\($0)" }
        let client = try makeClient(transport, credential: credential)
        _ = try await client.getSecret(name: "db")
        #expect(credential.requests.count == 2)
        #expect(credential.requests.last?.claims == claims)
        #expect(transport.requests.count == 3)
    }

    @Test("keys and certificates decode from Key Vault's JSON shapes")
    func keysAndCertificates() async throws {
        let keyBody = #"""
        {"key":{"kid":"https://myvault.vault.azure.net/keys/k/e551318017af418e91f72a5eb869eeeb","kty":"EC","key_ops":["sign","verify"],
         "crv":"P-256","x":"eTrWAuU2tyWoMKORazeSBx8H6VXOZ9cix8wvjiFabJk","y":"SUg9cl-Bxe20-nBlnoMD3gWP6Df3rFlxSeA8057iAbI"},
         "attributes":{"enabled":true,"created":1650638221,"updated":1650638221,"recoveryLevel":"CustomizedRecoverable+Purgeable","recoverableDays":7,"exportable":false},
         "tags":{},"managed":true,"release_policy":{"contentType":"application/json; charset=utf-8"}}
        """#
        let certificateBody = #"""
        {"id":"https://myvault.vault.azure.net/certificates/c/f3bb2176","kid":"https://myvault.vault.azure.net/keys/c/f3bb2176",
         "sid":"https://myvault.vault.azure.net/secrets/c/f3bb2176","x5t":"7Hd8wjMNV61gvzAY4LfCGxWwi_I","cer":"AQID\u002B/8=",
         "attributes":{"enabled":false,"nbf":1628270437,"exp":4781870437,"created":1,"updated":2},
         "policy":{"id":"https://myvault.vault.azure.net/certificates/c/policy","key_props":{"exportable":true,"kty":"RSA"}}}
        """#
        let transport = ScriptedTransport { request, _, _ in
            if request.headerFields[.authorization] == nil { return HTTPTransportResponse.keyVaultChallenge() }
            return request.path!.hasPrefix("/keys/") ? HTTPTransportResponse.json(200, keyBody) : HTTPTransportResponse.json(200, certificateBody)
        }
        let client = try makeClient(transport)
        let key = try await client.getKey(name: "k")
        #expect(key.key?.kty == "EC")
        #expect(key.key?.crv == "P-256")
        #expect(key.key?.keyOps == ["sign", "verify"])
        #expect(key.version == "e551318017af418e91f72a5eb869eeeb")
        let certificate = try await client.getCertificate(name: "c", version: "f3bb2176")
        #expect(certificate.cer == [1, 2, 3, 0xFB, 0xFF])
        #expect(certificate.sid == "https://myvault.vault.azure.net/secrets/c/f3bb2176")
        #expect(certificate.kid == "https://myvault.vault.azure.net/keys/c/f3bb2176")
        #expect(certificate.x5t == "7Hd8wjMNV61gvzAY4LfCGxWwi_I")
        #expect(certificate.attributes?.enabled == false)
        #expect(certificate.version == "f3bb2176")
    }

    @Test("Key Vault errors are decoded with the object, version and a recommendation", arguments: [
        (403, #"{"error":{"code":"Forbidden","message":"Caller is not authorized to perform action on resource.","innererror":{"code":"ForbiddenByRbac"}}}"#,
         KeyVaultObjectType.secret, KeyVaultError.Code.forbidden, "Key Vault Secrets User"),
        (403, #"{"error":{"code":"Forbidden","message":"Caller is not authorized.","innererror":{"code":"ForbiddenByRbac"}}}"#,
         KeyVaultObjectType.key, KeyVaultError.Code.forbidden, "Key Vault Certificate User"),
        (403, #"{"error":{"code":"Forbidden","message":"Caller is not authorized.","innererror":{"code":"ForbiddenByRbac"}}}"#,
         KeyVaultObjectType.certificate, KeyVaultError.Code.forbidden, "Key Vault Certificate User"),
        (403, #"{"error":{"code":"Forbidden","message":"The user, group or application does not have secrets get permission.","innererror":{"code":"AccessDenied"}}}"#,
         KeyVaultObjectType.secret, KeyVaultError.Code.forbidden, "access policy with the 'get' permission"),
        (404, #"{"error":{"code":"SecretNotFound","message":"A secret with (name/id) db was not found in this key vault."}}"#,
         KeyVaultObjectType.secret, KeyVaultError.Code.notFound, "name"),
        (429, #"{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"}}"#,
         KeyVaultObjectType.secret, KeyVaultError.Code.throttled, "backoff"),
        (500, "not json", KeyVaultObjectType.certificate, KeyVaultError.Code.serviceError, ""),
    ])
    func errors(status: Int, body: String, type: KeyVaultObjectType, code: KeyVaultError.Code, advice: String) async throws {
        let transport = ScriptedTransport { request, _, _ in
            request.headerFields[.authorization] == nil
                ? HTTPTransportResponse.keyVaultChallenge()
                : HTTPTransportResponse.json(status, body, headers: ["x-ms-request-id": "req-123"])
        }
        let client = try makeClient(transport)
        let error = await #expect(throws: KeyVaultError.self) {
            switch type {
            case .secret: _ = try await client.getSecret(name: "db", version: "v1")
            case .key: _ = try await client.getKey(name: "db", version: "v1")
            case .certificate: _ = try await client.getCertificate(name: "db", version: "v1")
            }
        }
        let failure = try #require(error)
        #expect(failure.code == code)
        #expect(failure.statusCode == status)
        #expect(failure.vault == "myvault.vault.azure.net")
        #expect(failure.objectName == "db")
        #expect(failure.objectType == type)
        #expect(failure.objectVersion == "v1")
        #expect(failure.requestID == "req-123")
        if !advice.isEmpty { #expect((failure.recommendation ?? "").contains(advice)) }
        if status == 403 { #expect(failure.serviceErrorCode == "Forbidden") }
        if body.contains("ForbiddenByRbac") { #expect(failure.innerErrorCode == "ForbiddenByRbac") }
        #expect(failure.description.contains("'db'"))
        #expect(failure.description.contains("myvault.vault.azure.net"))
        #expect(!failure.description.contains("token-"))
    }

    @Test("version lists follow nextLink (with :443) and reuse the cached challenge")
    func paging() async throws {
        let page1 = #"""
        {"value":[{"id":"https://myvault.vault.azure.net/secrets/db/v1","attributes":{"enabled":true,"created":1}},
                  {"id":"https://myvault.vault.azure.net/secrets/db/v2","attributes":{"enabled":false,"created":2},"contentType":"text/plain"}],
         "nextLink":"https://myvault.vault.azure.net:443/secrets/db/versions?api-version=7.6&$skiptoken=eyJOZXh0TWFya2VyIjoiMiJ9&maxresults=2"}
        """#
        let page2 = #"{"value":[{"id":"https://myvault.vault.azure.net/secrets/db/v3","attributes":{"enabled":true,"created":3}}],"nextLink":null}"#
        let transport = ScriptedTransport { request, _, _ in
            if request.headerFields[.authorization] == nil { return HTTPTransportResponse.keyVaultChallenge() }
            return request.path!.contains("skiptoken") ? HTTPTransportResponse.json(200, page2) : HTTPTransportResponse.json(200, page1)
        }
        let client = try makeClient(transport)
        let versions = try await client.listSecretVersions(name: "db")
        #expect(versions.map(\.version) == ["v1", "v2", "v3"])
        #expect(versions.map { $0.attributes?.enabled } == [true, false, true])
        let requests = transport.requests
        #expect(requests.count == 3)
        #expect(requests[0].path == "/secrets/db/versions?api-version=\(KeyVaultClient.defaultAPIVersion)")
        #expect(requests[2].authority == "myvault.vault.azure.net:443")
        #expect(requests[2].path?.contains("$skiptoken=eyJOZXh0TWFya2VyIjoiMiJ9") == true)
        #expect(requests[2].headerFields[.authorization] != nil)
    }

    @Test("a nextLink to another host is not followed")
    func foreignNextLink() async throws {
        let page = #"{"value":[],"nextLink":"https://evil.example/secrets?x=1"}"#
        let transport = ScriptedTransport { request, _, _ in
            request.headerFields[.authorization] == nil ? HTTPTransportResponse.keyVaultChallenge() : HTTPTransportResponse.json(200, page)
        }
        let client = try makeClient(transport)
        let error = await #expect(throws: KeyVaultError.self) { try await client.listKeyVersions(name: "k") }
        #expect(error?.code == .invalidVaultURL)
        #expect(transport.requests.allSatisfy { $0.authority == "myvault.vault.azure.net" })
    }

    @Test("429 with Retry-After is retried after the requested delay and then succeeds")
    func throttledThenSuccess() async throws {
        let transport = ScriptedTransport { request, _, index in
            if request.headerFields[.authorization] == nil { return HTTPTransportResponse.keyVaultChallenge() }
            if index == 1 {
                return HTTPTransportResponse.json(429, #"{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}}"#,
                                          headers: ["Retry-After": "2"])
            }
            return HTTPTransportResponse.json(200, Self.secretBody)
        }
        let clock = ManualClock()
        let client = try makeClient(transport, options: .init(clock: clock))
        let secret = try await client.getSecret(name: "db")
        #expect(secret.value == "s3cr3t-value")
        #expect(clock.sleeps == [.seconds(2)])
        #expect(transport.requests.count == 3)
        #expect(transport.requests[2].headerFields[.authorization] != nil)
    }

    @Test("429 without Retry-After backs off exponentially, then surfaces Throttled with advice")
    func throttledExhausted() async throws {
        let transport = ScriptedTransport { request, _, _ in
            request.headerFields[.authorization] == nil
                ? HTTPTransportResponse.keyVaultChallenge()
                : HTTPTransportResponse.json(429, #"{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"}}"#)
        }
        let clock = ManualClock()
        let client = try makeClient(transport, options: .init(retryPolicy: RetryPolicy(maximumAttempts: 4), clock: clock))
        let error = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "db") }
        #expect(error?.code == .throttled)
        #expect(error?.statusCode == 429)
        #expect(error?.serviceErrorCode == "Throttled")
        #expect(error?.recommendation?.contains("backoff") == true)
        #expect(transport.requests.count == 1 + 4)
        let sleeps = clock.sleeps
        #expect(sleeps.count == 3)
        #expect(zip(sleeps, sleeps.dropFirst()).allSatisfy { $0 < $1 })
        #expect(sleeps.allSatisfy { $0 > .zero })

        // Without a retry policy the first 429 is returned at once.
        let unretried = try makeClient(transport, options: .init(retryPolicy: nil, clock: clock))
        let before = transport.requests.count
        await #expect(throws: KeyVaultError.self) { try await unretried.getSecret(name: "db") }
        #expect(transport.requests.count == before + 2)
    }

    @Test("plain http is refused except for loopback test vaults that opt in")
    func httpsOnly() throws {
        let transport = ScriptedTransport { _, _, _ in HTTPTransportResponse.json(200, "{}") }
        #expect(throws: KeyVaultError.self) {
            try KeyVaultClient(vaultURL: URL(string: "http://myvault.vault.azure.net/")!, credential: StaticTokenCredential { "token-\($0)" },
                               transport: transport, options: .init(allowInsecureLoopbackHTTP: true), logger: Logger(label: "t"))
        }
        #expect(throws: KeyVaultError.self) {
            try KeyVaultClient(vaultURL: URL(string: "http://127.0.0.1:8080/")!, credential: StaticTokenCredential { "token-\($0)" },
                               transport: transport, logger: Logger(label: "t"))
        }
        _ = try KeyVaultClient(vaultURL: URL(string: "http://127.0.0.1:8080/")!, credential: StaticTokenCredential { "token-\($0)" },
                               transport: transport, options: .init(allowInsecureLoopbackHTTP: true), logger: Logger(label: "t"))
    }

    @Test("vault URLs are built and names validated by Key Vault's rule")
    func vaultURLs() throws {
        #expect(try KeyVaultClient.vaultURL(vaultName: "kv-test1", dnsSuffix: "vault.azure.net").absoluteString
            == "https://kv-test1.vault.azure.net/")
        #expect(try KeyVaultClient.vaultURL(vaultName: "abc", dnsSuffix: "vault.azure.cn").absoluteString
            == "https://abc.vault.azure.cn/")
        let short = #expect(throws: KeyVaultError.self) { try KeyVaultClient.vaultURL(vaultName: "ab", dnsSuffix: "vault.azure.net") }
        #expect(short?.code == .invalidVaultName)
        #expect(short?.message == "the vault name has 2 characters; a vault name has 3 to 24")
        let long = #expect(throws: KeyVaultError.self) {
            try KeyVaultClient.vaultURL(vaultName: String(repeating: "a", count: 25), dnsSuffix: "vault.azure.net") // builds a URL only
        }
        #expect(long?.code == .invalidVaultName)
        let bad = #expect(throws: KeyVaultError.self) { try KeyVaultClient.vaultURL(vaultName: "kv_test", dnsSuffix: "vault.azure.net") }
        #expect(bad?.code == .invalidVaultName)
        #expect(bad?.message == "a vault name may contain only letters, digits and dashes")
    }

    @Test("challenge parsing: parameters, tenant, scope and domain")
    func challengeParsing() throws {
        let challenge = try #require(AuthenticationChallenge(
            header: #"Bearer authorization="https://login.microsoftonline.com/tenant-1,", resource="https://vault.azure.net""#
        ))
        #expect(challenge.tenantID == "tenant-1")
        #expect(challenge.tokenScope == "https://vault.azure.net/.default")
        #expect(challenge.resourceDomain == "vault.azure.net")
        let adfs = try #require(AuthenticationChallenge(header: #"Bearer authorization="https://adfs.contoso.com/adfs", scope="https://vault.azure.net/.default""#))
        #expect(adfs.tenantID == nil)
        #expect(adfs.tokenScope == "https://vault.azure.net/.default")
        #expect(AuthenticationChallenge(header: #"Basic realm="x""#) == nil)
        #expect(AuthenticationChallenge(header: "Bearer") == nil)
        #expect(AuthenticationChallenge(header: #"Bearer authorization="https://login.windows.net/t""#) == nil)
    }
}
