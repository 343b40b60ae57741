import AzureCore
import AzureCoreTesting
import Configuration
import Foundation
import HTTPTypes
import KeyVaultConfiguration
import KeyVaultCore
import Testing

/// Conversions, through the provider's public API, from a vault answered by a script.
@Suite struct SecretValueConversionTests {
    static let values: [String: String] = [
        "port": " 8080 ", "ratio": "0.25", "debug": "Yes", "blob": "aGVsbG8=", "hosts": "a, b ,c", "ports": "1,2,3",
        "flags": "true,false", "weights": "1.5,2", "password": "p@ss,word", "bad-int": "80x",
    ]

    /// A vault with these secrets: the list, then each secret.
    static func transport() -> ScriptedTransport {
        ScriptedTransport { request, _, _ in
            guard request.headerFields[.authorization] != nil else { return .keyVaultChallengeForTests() }
            let path = request.path ?? ""
            if path.hasPrefix("/secrets?") {
                let items = values.keys.sorted().map {
                    #"{"id":"https://kv.example.test/secrets/\#($0)","attributes":{"enabled":true,"updated":1700000000}}"#
                }
                return .json(200, #"{"value":[\#(items.joined(separator: ","))],"nextLink":null}"#)
            }
            let name = path.split(separator: "/")[1].split(separator: "?")[0]
            let value = values[String(name)] ?? ""
            let json = try JSONSerialization.data(withJSONObject: ["value": value, "id": "https://kv.example.test/secrets/\(name)/v1"])
            return .status(200, headers: ["Content-Type": "application/json"], body: json)
        }
    }

    static func reader() async throws -> (ConfigReader, KeyVaultSecretsProvider) {
        let provider = try await KeyVaultSecretsProvider.loading(
            vaultURL: URL(string: "https://kv.example.test/")!, credential: StaticTokenCredential(), transport: transport(),
            clientOptions: .init(verifyChallengeResource: false, retryPolicy: nil))
        return (ConfigReader(provider: provider), provider)
    }

    @Test func valuesConvertToTheTypesAskedFor() async throws {
        let (config, _) = try await Self.reader()
        #expect(config.int(forKey: "port") == 8080)
        #expect(config.double(forKey: "ratio") == 0.25)
        #expect(config.bool(forKey: "debug") == true)
        #expect(config.bytes(forKey: "blob") == Array("hello".utf8))
        #expect(config.stringArray(forKey: "hosts") == ["a", "b", "c"])
        #expect(config.intArray(forKey: "ports") == [1, 2, 3])
        #expect(config.boolArray(forKey: "flags") == [true, false])
        #expect(config.doubleArray(forKey: "weights") == [1.5, 2])
        #expect(config.string(forKey: "password") == "p@ss,word")
        #expect(config.string(forKey: "missing") == nil)
    }

    @Test func aValueThatDoesNotConvertIsAnErrorNamingTheKeyNotTheValue() async throws {
        let (config, provider) = try await Self.reader()
        #expect(config.int(forKey: "bad-int", default: 7) == 7, "the reader falls back to its default")
        do {
            _ = try provider.value(forKey: AbsoluteConfigKey(["bad-int"]), type: .int)
            Issue.record("80x converted to an int")
        } catch let error as KeyVaultConfigurationError {
            #expect(error.code == .notConvertible)
            #expect(error.message.contains("'bad-int'"))
            #expect(!error.message.contains("80x"), "the value never appears: \(error.message)")
        }
    }

    @Test func everyValueIsMarkedSecret() async throws {
        let (_, provider) = try await Self.reader()
        for name in Self.values.keys {
            let result = try? provider.value(forKey: AbsoluteConfigKey([name]), type: .string)
            #expect(result?.value?.isSecret == true, "\(name)")
        }
        #expect(!"\(provider)".contains("8080"))
    }
}

extension HTTPTransportResponse {
    /// Key Vault's 401 challenge for the scripted vault.
    static func keyVaultChallengeForTests() -> HTTPTransportResponse {
        json(401, #"{"error":{"code":"Unauthorized","message":"no token"}}"#,
             headers: ["WWW-Authenticate": #"Bearer authorization="https://login.example.test/t", resource="https://vault.example.test""#])
    }
}
