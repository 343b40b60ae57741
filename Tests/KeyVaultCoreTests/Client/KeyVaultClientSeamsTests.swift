import AzureCore
import AzureCoreTesting
import Foundation
import HTTPTypes
import KeyVaultCore
import Testing

/// The client's seams: what it refuses before sending, what its errors carry, and how it is cancelled.
@Suite struct KeyVaultClientSeamsTests {
    static func client(_ transport: ScriptedTransport, url: String = "https://myvault.example.test/") throws -> KeyVaultClient {
        try KeyVaultClient(
            vaultURL: URL(string: url)!, credential: StaticTokenCredential(), transport: transport,
            options: .init(verifyChallengeResource: false, retryPolicy: nil)
        )
    }

    @Test func anEmptyNameIsRefusedBeforeAnythingIsSent() async throws {
        let transport = ScriptedTransport(responses: [.json(200, "{}")])
        let client = try Self.client(transport)
        let get = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "") }
        #expect(get?.code == .invalidObjectName)
        #expect(get?.message == "the secret name is empty")
        let list = await #expect(throws: KeyVaultError.self) { try await client.listVersions(type: .certificate, name: "") }
        #expect(list?.code == .invalidObjectName)
        #expect(transport.requestCount == 0, "no `/secrets//` request")
    }

    @Test func theVaultOfAnErrorKeepsItsPort() async throws {
        let transport = ScriptedTransport { request, _, _ in
            request.headerFields[.authorization] == nil
                ? .keyVaultChallenge()
                : .json(404, #"{"error":{"code":"SecretNotFound","message":"A secret with (name/id) gone was not found in this key vault."}}"#)
        }
        let client = try Self.client(transport, url: "https://127.0.0.1:8443/")
        let error = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "gone") }
        #expect(error?.code == .notFound)
        #expect(error?.vault == "127.0.0.1:8443")
        #expect(error?.description.contains("from vault '127.0.0.1:8443'") == true)
    }

    @Test func anUnreadableBodyKeepsTheDecodingErrorAsItsCause() async throws {
        let transport = ScriptedTransport { request, _, _ in
            request.headerFields[.authorization] == nil ? .keyVaultChallenge() : .json(200, "not json")
        }
        let error = await #expect(throws: KeyVaultError.self) { try await Self.client(transport).getSecret(name: "s") }
        #expect(error?.code == .invalidResponse)
        #expect(error?.underlying is DecodingError, "a typed cause, not a string")
    }

    @Test func theMessageAndTheAdviceAreSeparateSentences() {
        let error = KeyVaultError(
            code: .forbidden, statusCode: 403, vault: "v.example.test", objectName: "s", objectType: .secret,
            serviceErrorCode: "Forbidden", message: "Caller is not authorized to perform action on resource",
            recommendation: "Assign the identity the \"Key Vault Secrets User\" role."
        )
        #expect(error.description.hasSuffix("Caller is not authorized to perform action on resource. Assign the identity the \"Key Vault Secrets User\" role."))
        var ended = error
        ended.message = "Caller is not authorized.\r\n"
        #expect(ended.description.contains("Caller is not authorized. Assign the identity"))
    }

    @Test func equalityComparesFieldsButNeverTheCause() {
        let a = KeyVaultError(code: .invalidResponse, vault: "v", message: "m", underlying: CancellationError())
        let b = KeyVaultError(code: .invalidResponse, vault: "v", message: "m", underlying: URLError(.badURL))
        let c = KeyVaultError(code: .invalidResponse, vault: "v", message: "other")
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != c)
        let x = AzureCoreError(code: .timedOut, message: "t", underlying: URLError(.timedOut))
        #expect(x == AzureCoreError(code: .timedOut, message: "t"))
        #expect(ConversionError(code: .invalidPEM, message: "a") != ConversionError(code: .invalidPEM, message: "b"))
    }

    @Test func cancellationIsACancellationError() async throws {
        let transport = ScriptedTransport { _, _, _ in
            try await Task.sleep(for: .seconds(30))
            return .json(200, "{}")
        }
        let client = try KeyVaultClient(
            vaultURL: URL(string: "https://myvault.example.test/")!, credential: StaticTokenCredential(), transport: transport,
            options: .init(verifyChallengeResource: false)
        )
        let task = Task { try await client.getSecret(name: "s") }
        while transport.requestCount == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}

/// A misbehaving server's text and identifiers do not reach the user raw.
@Suite struct KeyVaultClientHostileServerTests {
    static func answering(_ status: Int, _ body: String) -> ScriptedTransport {
        ScriptedTransport { request, _, _ in
            request.headerFields[.authorization] == nil ? .keyVaultChallenge() : .json(status, body)
        }
    }

    @Test func aForbiddenMessageEchoingTheTokenIsScrubbed() async throws {
        let token = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
        let transport = Self.answering(403, #"{"error":{"code":"Forbidden","message":"Caller not authorized.\nAuthorization: Bearer \#(token)\u001b[2J"}}"#)
        let error = await #expect(throws: KeyVaultError.self) { try await KeyVaultClientSeamsTests.client(transport).getSecret(name: "s") }
        let text = error?.description ?? ""
        #expect(error?.code == .forbidden)
        #expect(!text.contains("eyJ"), "\(text)")
        #expect(!text.contains("\n") && !text.contains("\u{1B}"), "\(text)")
        #expect(text.contains("Caller not authorized."))
    }

    @Test(arguments: [
        ("https://myvault.example.test/secrets/other/0123456789abcdef0123456789abcdef", "names another object"),
        ("https://evil.example.test/secrets/s/0123456789abcdef0123456789abcdef", "names another vault"),
        ("https://myvault.example.test/secrets/s/abc%0Aakv-mount:%20forged", "not a plain version token"),
        ("https://myvault.example.test/keys/s/0123456789abcdef0123456789abcdef", "names another object"),
        ("not a url", "is not a Key Vault object identifier"),
    ])
    func aBundleWhoseIdNamesSomethingElseIsRefused(id: String, reason: String) async throws {
        let transport = Self.answering(200, #"{"value":"v","id":"\#(id)"}"#)
        let error = await #expect(throws: KeyVaultError.self) { try await KeyVaultClientSeamsTests.client(transport).getSecret(name: "s") }
        #expect(error?.code == .invalidResponse)
        #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func aMatchingIdIsAcceptedWhateverItsCase() async throws {
        let transport = Self.answering(200, #"{"value":"v","id":"https://MYVAULT.example.test/secrets/S/0123456789ABCDEF0123456789abcdef"}"#)
        let bundle = try await KeyVaultClientSeamsTests.client(transport).getSecret(name: "s", version: "0123456789abcdef0123456789abcdef")
        #expect(bundle.version == "0123456789ABCDEF0123456789abcdef")
    }
}
