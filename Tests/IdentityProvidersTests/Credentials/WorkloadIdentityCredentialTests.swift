import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

@Suite struct WorkloadIdentityCredentialTests {
    static let namespace = "default"
    static let serviceAccount = "workload-identity-sa"
    static var subject: String { "system:serviceaccount:\(namespace):\(serviceAccount)" }

    func federate(_ f: IdentityFixture, issuer: String? = nil) async throws {
        try await f.entra.addFederatedCredential(
            tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
            issuer: issuer ?? f.issuer.issuer, subject: Self.subject
        )
    }

    func tempFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wi-\(UUID().uuidString)").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func credential(_ f: IdentityFixture, source: FederatedTokenSource, clock: ManualClock = ManualClock()) throws -> WorkloadIdentityCredential {
        try WorkloadIdentityCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, tokenSource: source, options: f.options(clock: clock))
    }

    @Test func exchangesTheTokenFileFromTheEnvironment() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let path = try tempFile(try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount))
            let environment = [
                "AZURE_CLIENT_ID": IdentityFixture.appClientID,
                "AZURE_TENANT_ID": IdentityFixture.tenant,
                "AZURE_FEDERATED_TOKEN_FILE": path,
                "AZURE_AUTHORITY_HOST": f.entra.authorityHost.absoluteString + "/",
            ]
            let credential = try WorkloadIdentityCredential.fromEnvironment(environment, options: f.options())
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            let claims = try await f.entra.verifyAccessToken(token.token)
            #expect(claims.appid == IdentityFixture.appClientID)
            #expect(claims.aud == "https://vault.azure.net")
            #expect(await f.issuer.faults.requestCount(pathPrefix: "/openid/v1/jwks") == 1, "Entra fetched the issuer's JWKS")
        }
    }

    @Test func missingEnvironmentIsReportedByName() throws {
        let error = try #require(throws: IdentityError.self) {
            try WorkloadIdentityCredential.fromEnvironment(["AZURE_CLIENT_ID": "x"])
        }
        #expect(error.code == .credentialUnavailable)
        #expect(error.message.contains("AZURE_TENANT_ID"))
        #expect(error.message.contains("AZURE_FEDERATED_TOKEN_FILE"))
        #expect(!error.message.contains("AZURE_CLIENT_ID,"))
    }

    @Test func rotatedTokenFileIsReadAfterARejection() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let stale = try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount, lifetime: -600, issuedAt: Date().addingTimeInterval(-3600))
            let path = try tempFile(stale)
            let credential = try credential(f, source: .file(path: path))
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 700024)
            #expect(!error.description.contains(stale))
            try Data(try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount).utf8).write(to: URL(fileURLWithPath: path))
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(try await f.entra.verifyAccessToken(token.token).appid == IdentityFixture.appClientID)
        }
    }

    @Test func expiredServiceAccountTokenIsRejected() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let expired = try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount, lifetime: -60, issuedAt: Date().addingTimeInterval(-3600))
            let credential = try credential(f, source: .closure { expired })
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.aadstsCode == 700024)
            #expect(error.meaning?.contains("expired") == true)
            #expect(error.description.contains("AADSTS700024: "))
            #expect(!error.description.contains(expired))
        }
    }

    @Test func tokenFileIsReReadAfterTenMinutes() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let clock = ManualClock()
            let path = try tempFile(try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount))
            let credential = try credential(f, source: .file(path: path, clock: clock), clock: clock)
            _ = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            // Replace the file with a token for a subject that has no federated credential.
            try Data(try f.issuer.mintServiceAccountToken(namespace: "other", serviceAccount: "other").utf8).write(to: URL(fileURLWithPath: path))
            clock.advance(by: .seconds(300))
            _ = try await credential.getToken(for: TokenRequestContext(scopes: ["https://storage.azure.com/.default"]))
            clock.advance(by: .seconds(301))
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: ["https://management.azure.com/.default"]))
            }
            #expect(error.aadstsCode == 70021, "the rotated file was read after 10 minutes")
        }
    }

    @Test func noMatchingFederatedCredentialNamesIssuerSubjectAudience() async throws {
        try await IdentityFixture.with { f in
            // Registered without the trailing slash: the classic mistake.
            let issuerWithoutSlash = String(f.issuer.issuer.dropLast())
            try await federate(f, issuer: issuerWithoutSlash)
            let credential = try credential(f, source: .closure { try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount) })
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 70021)
            #expect(error.message.contains(f.issuer.issuer))
            #expect(error.message.contains(Self.subject))
            #expect(error.message.contains("api://AzureADTokenExchange"))
            #expect(error.meaning?.contains("trailing '/'") == true)
        }
    }

    @Test func wrongAudienceIsRejected() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let credential = try credential(f, source: .closure {
                try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount, audience: "api://SomethingElse")
            })
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 70021)
            #expect(error.message.contains("api://SomethingElse"))
            #expect(error.meaning?.contains("audience") == true)
        }
    }

    @Test func wrongIssuerIsRejected() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let credential = try credential(f, source: .closure {
                try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount, issuerOverride: "https://127.0.0.1:1/not-the-issuer/")
            })
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 70021)
            #expect(error.message.contains("not-the-issuer"))
        }
    }

    @Test func tokenSignedByAnotherKeyIsRejected() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let credential = try credential(f, source: .closure { try f.issuer.mintTokenWithForeignKey(namespace: Self.namespace, serviceAccount: Self.serviceAccount) })
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 700027)
            #expect(error.meaning?.contains("signature") == true)
        }
    }

    @Test func unreachableIssuerIsAADSTS90061() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            await f.issuer.faults.setPersistentFault(.status(500), pathPrefix: "/.well-known")
            let credential = try credential(f, source: .closure { try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount) })
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 90061)
            #expect(error.meaning?.contains("OIDC issuer") == true)
        }
    }

    @Test func csiServiceAccountTokensSource() async throws {
        try await IdentityFixture.with { f in
            try await federate(f)
            let sa = try f.issuer.mintServiceAccountToken(namespace: Self.namespace, serviceAccount: Self.serviceAccount)
            let json = #"{"api://AzureADTokenExchange":{"token":"\#(sa)","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#
            let credential = try credential(f, source: .csiServiceAccountTokens(json))
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(try await f.entra.verifyAccessToken(token.token).tid == IdentityFixture.tenant)

            let other = try self.credential(f, source: .csiServiceAccountTokens(#"{"other":{"token":"x"}}"#))
            let error = try await #require(throws: IdentityError.self) {
                try await other.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("api://AzureADTokenExchange"))
        }
    }
}
