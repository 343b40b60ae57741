import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

@Suite struct ClientSecretCredentialTests {
    @Test func getsAVerifiableTokenAndReusesIt() async throws {
        try await IdentityFixture.with { f in
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options()
            )
            let token = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            let claims = try await f.entra.verifyAccessToken(token.token)
            #expect(claims.aud == "https://vault.azure.net")
            #expect(claims.tid == IdentityFixture.tenant)
            #expect(claims.appid == IdentityFixture.appClientID)
            #expect(claims.oid == IdentityFixture.appObjectID)
            let again = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(again.token == token.token)
            #expect(await f.entra.faults.requestCount(pathPrefix: f.tokenPath) == 1)
        }
    }

    @Test func concurrentCallersProduceOneTokenRequest() async throws {
        try await IdentityFixture.with { f in
            await f.entra.faults.setLatency(.milliseconds(100))
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options()
            )
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<25 {
                    group.addTask { try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope])).token }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(await f.entra.faults.requestCount(pathPrefix: f.tokenPath) == 1)
        }
    }

    @Test func badSecretIsReportedWithAADSTS7000215AndNoSecret() async throws {
        try await IdentityFixture.with { f in
            let wrong = "wrong-secret-value-123456"
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(wrong), options: f.options()
            )
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.code == .authenticationFailed)
            #expect(error.aadstsCode == 7000215)
            #expect(error.meaning?.contains("secret") == true)
            #expect(error.statusCode == 401)
            #expect(error.endpoint?.hasSuffix("/oauth2/v2.0/token") == true)
            #expect(!error.description.contains(wrong))
        }
    }

    @Test func unknownTenantAndApplicationAreExplained() async throws {
        try await IdentityFixture.with { f in
            let unknownTenant = try ClientSecretCredential(
                tenantID: "00000000-0000-0000-0000-000000000000", clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options()
            )
            let tenantError = try await #require(throws: IdentityError.self) {
                try await unknownTenant.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(tenantError.aadstsCode == 90002)
            #expect(tenantError.meaning?.contains("tenant") == true)

            let unknownApp = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: "99999999-9999-9999-9999-999999999999",
                secret: SecretString(IdentityFixture.secret), options: f.options()
            )
            let appError = try await #require(throws: IdentityError.self) {
                try await unknownApp.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(appError.aadstsCode == 700016)
            #expect(appError.meaning?.contains("client ID") == true)
        }
    }

    @Test func invalidScopeIsAADSTS70011() async throws {
        try await IdentityFixture.with { f in
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options()
            )
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/secrets.read"]))
            }
            #expect(error.aadstsCode == 70011)
            #expect(error.meaning?.contains("scope") == true)
            #expect(error.description.contains("AADSTS70011: "))
        }
    }

    @Test func retriesThrottledTokenRequests() async throws {
        try await IdentityFixture.with { f in
            await f.entra.faults.enqueue([.throttled(retryAfterSeconds: 2), .status(503)], pathPrefix: f.tokenPath)
            let clock = ManualClock()
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options(clock: clock)
            )
            _ = try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(await f.entra.faults.requestCount(pathPrefix: f.tokenPath) == 3)
            #expect(clock.sleeps.contains(.seconds(2)), "Retry-After honoured")
        }
    }

    @Test func refreshesAheadOfExpiryAndServesTheOldTokenWhenRefreshFails() async throws {
        try await IdentityFixture.with { f in
            await f.entra.setTokenLifetime(3600, refreshIn: 600)
            let clock = ManualClock()
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options(clock: clock)
            )
            let request = TokenRequestContext(scopes: [IdentityFixture.scope])
            let first = try await credential.getToken(for: request)
            #expect(first.refreshOn == clock.now().addingTimeInterval(600))
            clock.advance(by: .seconds(599))
            #expect(try await credential.getToken(for: request).token == first.token)
            clock.advance(by: .seconds(2))
            let second = try await credential.getToken(for: request)
            #expect(second.token != first.token, "refreshed at refresh_in")
            #expect(await f.entra.faults.requestCount(pathPrefix: f.tokenPath) == 2)

            await f.entra.faults.setPersistentFault(.status(500), pathPrefix: f.tokenPath)
            clock.advance(by: .seconds(601))
            #expect(try await credential.getToken(for: request).token == second.token, "old token served while the refresh fails")
            let afterFailure = await f.entra.faults.requestCount(pathPrefix: f.tokenPath)
            #expect(afterFailure > 2)
            clock.advance(by: .seconds(10))
            _ = try await credential.getToken(for: request)
            #expect(await f.entra.faults.requestCount(pathPrefix: f.tokenPath) == afterFailure, "no new attempt within 30 s")
            await f.entra.faults.setPersistentFault(nil)
            clock.advance(by: .seconds(25))
            #expect(try await credential.getToken(for: request).token != second.token, "recovers once the endpoint does")
        }
    }

    @Test func tenantOverrideMustBeAllowed() async throws {
        try await IdentityFixture.with { f in
            let credential = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options()
            )
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope], tenantID: "other-tenant"))
            }
            #expect(error.code == .tenantNotAllowed)
        }
    }
}
