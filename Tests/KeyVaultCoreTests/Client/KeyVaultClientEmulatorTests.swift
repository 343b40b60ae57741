import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import KeyVaultTesting
import Logging
import Testing
@testable import KeyVaultCore

/// The client against the Key Vault emulator, in process (the emulator's request handler behind an
/// ``HTTPTransport``; no sockets), for each object type, the error codes, paging, challenge refusal and throttling.
@Suite("KeyVaultClient against the emulator")
struct KeyVaultClientEmulatorTests {
    static let tenant = "11111111-2222-3333-4444-555555555555"
    static let principal = "aaaaaaaa-0000-0000-0000-000000000001"
    static let vaultName = "myvault"

    /// Routes every request to the emulator's handler for one vault.
    struct EmulatorTransport: HTTPTransport {
        let emulator: KeyVaultEmulator
        let vault: String

        func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
            let emulated = KeyVaultEmulatorRequest(
                method: request.method, pathAndQuery: request.path ?? "/", headerFields: request.headerFields,
                body: body ?? Data(), authority: request.authority ?? ""
            )
            let response = await emulator.handle(emulated, vault: vault)
            return HTTPTransportResponse(
                response: HTTPResponse(status: response.status, headerFields: response.headerFields), body: response.body
            )
        }
    }

    /// An emulator with one RBAC vault whose tokens are the fake credential's (`token-N`) for ``principal``.
    static func makeEmulator() async throws -> KeyVaultEmulator {
        let emulator = KeyVaultEmulator(
            tokenVerifier: { token in
                guard token.hasPrefix("token-") else { throw CancellationError() }
                return KeyVaultAccessTokenClaims(
                    audience: "https://vault.azure.net", tenantID: tenant, objectID: principal, applicationID: nil,
                    expiresOn: Date().addingTimeInterval(3600)
                )
            },
            logger: Logger(label: "emulator")
        )
        try await emulator.addVault(name: vaultName, tenantID: tenant)
        return emulator
    }

    static func makeClient(
        _ emulator: KeyVaultEmulator, credential: StaticTokenCredential = StaticTokenCredential { "token-\($0)" }, clock: ManualClock = ManualClock(),
        url: String = "https://myvault.vault.azure.net/"
    ) throws -> KeyVaultClient {
        try KeyVaultClient(
            vaultURL: URL(string: url)!, credential: credential,
            transport: EmulatorTransport(emulator: emulator, vault: vaultName),
            options: .init(clock: clock), logger: Logger(label: "client")
        )
    }

    @Test("secrets, keys and certificates are read and converted; the tenant comes from the challenge")
    func objects() async throws {
        let emulator = try await Self.makeEmulator()
        try await emulator.assignRole(vault: Self.vaultName, principalObjectID: Self.principal, role: .secretsUser)
        try await emulator.assignRole(vault: Self.vaultName, principalObjectID: Self.principal, role: .certificateUser)
        let version = try await emulator.setSecret(vault: Self.vaultName, name: "db", value: "p@ss", contentType: "text/plain")
        try await emulator.createKey(vault: Self.vaultName, name: "ec", spec: .ecP256)
        let chain = try await emulator.createCertificateChain(vault: Self.vaultName, name: "tls", subject: "leaf.example.com", depth: 3)
        let credential = StaticTokenCredential { "token-\($0)" }
        let client = try Self.makeClient(emulator, credential: credential)

        let secret = try await client.getSecret(name: "db")
        #expect(secret.value == "p@ss")
        #expect(secret.version == version)
        #expect(try await client.getSecret(name: "db", version: version).value == "p@ss")
        #expect(credential.requests.first?.tenantID == Self.tenant)
        #expect(credential.requests.first?.scopes == ["https://vault.azure.net/.default"])

        let key = try await client.getKey(name: "ec")
        let pem = String(decoding: try ObjectConverter.convert(key: key), as: UTF8.self)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))

        let certificate = try await client.getCertificate(name: "tls")
        #expect(certificate.cer == Array(chain.certificatesDER[0]))
        #expect(String(decoding: try ObjectConverter.convert(certificate: certificate), as: UTF8.self)
            == PEMBlock(type: "CERTIFICATE", bytes: Array(chain.certificatesDER[0])).encoded)

        let backing = try await client.getSecret(name: "tls")
        #expect(backing.kid != nil)
        let (logger, logs) = RecordingLogHandler.make()
        let converted = String(decoding: try ObjectConverter.convert(secret: backing, logger: logger), as: UTF8.self)
        let expected = PEMBlock.encode(
            [PEMBlock(type: "PRIVATE KEY", bytes: Array(chain.leafPrivateKeyPKCS8DER))]
                + chain.certificatesDER.map { PEMBlock(type: "CERTIFICATE", bytes: Array($0)) }
        )
        #expect(converted == expected)
        #expect(logs.warnings.isEmpty)
    }

    @Test("ForbiddenByRbac and not-found answers become KeyVaultErrors naming the object and the missing role")
    func errors() async throws {
        let emulator = try await Self.makeEmulator()
        try await emulator.setSecret(vault: Self.vaultName, name: "db", value: "v")
        let client = try Self.makeClient(emulator)
        let forbidden = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "db") }
        #expect(forbidden?.code == .forbidden)
        #expect(forbidden?.statusCode == 403)
        #expect(forbidden?.innerErrorCode == "ForbiddenByRbac")
        #expect(forbidden?.recommendation?.contains("Key Vault Secrets User") == true)
        let forbiddenKey = await #expect(throws: KeyVaultError.self) { try await client.getKey(name: "db") }
        #expect(forbiddenKey?.recommendation?.contains("Key Vault Certificate User") == true)

        try await emulator.assignRole(vault: Self.vaultName, principalObjectID: Self.principal, role: .secretsUser)
        let missing = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "nope") }
        #expect(missing?.code == .notFound)
        #expect(missing?.serviceErrorCode == "SecretNotFound")
        #expect(missing?.objectName == "nope")
        let missingVersion = await #expect(throws: KeyVaultError.self) {
            try await client.getSecret(name: "db", version: "00000000000000000000000000000000")
        }
        #expect(missingVersion?.code == .notFound)
    }

    @Test("version lists follow the emulator's nextLink pages")
    func paging() async throws {
        let emulator = try await Self.makeEmulator()
        try await emulator.assignRole(vault: Self.vaultName, principalObjectID: Self.principal, role: .secretsOfficer)
        var versions: [String] = []
        for index in 0..<30 {
            versions.append(try await emulator.setSecret(vault: Self.vaultName, name: "rotated", value: "v\(index)"))
        }
        let client = try Self.makeClient(emulator)
        let listed = try await client.listSecretVersions(name: "rotated")
        #expect(Set(listed.compactMap(\.version)) == Set(versions))
        #expect(listed.count == 30)
    }

    @Test("a vault host outside the challenge's resource domain gets no token")
    func challengeRefusal() async throws {
        let emulator = try await Self.makeEmulator()
        let credential = StaticTokenCredential { "token-\($0)" }
        let client = try Self.makeClient(emulator, credential: credential, url: "https://127.0.0.1:8443/")
        let error = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "db") }
        #expect(error?.code == .challengeResourceMismatch)
        #expect(credential.requests.isEmpty)
    }

    @Test("throttling answers 429 Throttled; the client retries, then reports it")
    func throttling() async throws {
        let emulator = try await Self.makeEmulator()
        try await emulator.assignRole(vault: Self.vaultName, principalObjectID: Self.principal, role: .secretsUser)
        try await emulator.setSecret(vault: Self.vaultName, name: "db", value: "v")
        try await emulator.setThrottling(vault: Self.vaultName, KeyVaultThrottling(requestsPerWindow: 1, windowSeconds: 600, retryAfterSeconds: 3))
        let clock = ManualClock()
        let client = try Self.makeClient(emulator, clock: clock)
        _ = try await client.getSecret(name: "db")
        let error = await #expect(throws: KeyVaultError.self) { try await client.getSecret(name: "db") }
        #expect(error?.code == .throttled)
        #expect(error?.serviceErrorCode == "Throttled")
        #expect(clock.sleeps.contains(.seconds(3)))
    }
}
