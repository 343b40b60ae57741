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
