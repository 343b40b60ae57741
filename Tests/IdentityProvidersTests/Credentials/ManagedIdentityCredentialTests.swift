import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

@Suite struct ManagedIdentityCredentialTests {
    static let systemClientID = "00000000-1111-2222-3333-444444444444"
    static let userClientID = "55555555-6666-7777-8888-999999999999"
    static let userObjectID = "abcdefab-cdef-abcd-efab-cdefabcdefab"
    static let userResourceID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv-reader"

    func credential(_ f: IdentityFixture, _ identity: ManagedIdentityID = .systemAssigned, clock: ManualClock = ManualClock(), retry: IMDSRetryPolicy = .default) throws -> ManagedIdentityCredential {
        try ManagedIdentityCredential(identity: identity, endpoint: f.imds.endpoint, retryPolicy: retry, transport: f.transport, options: f.options(clock: clock))
    }

    @Test func systemAndUserAssignedIdentities() async throws {
        try await IdentityFixture.with { f in
            await f.imds.addManagedIdentity(clientID: Self.systemClientID, objectID: "system-oid", systemAssigned: true)
            await f.imds.addManagedIdentity(clientID: Self.userClientID, objectID: Self.userObjectID, resourceID: Self.userResourceID)
            let system = try await credential(f).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(try await f.entra.verifyAccessToken(system.token).appid == Self.systemClientID)
            for identity in [ManagedIdentityID.clientID(Self.userClientID), .objectID(Self.userObjectID), .resourceID(Self.userResourceID)] {
                let token = try await credential(f, identity).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
                let claims = try await f.entra.verifyAccessToken(token.token)
                #expect(claims.appid == Self.userClientID)
                #expect(claims.oid == Self.userObjectID)
                #expect(claims.aud == "https://vault.azure.net")
                #expect(token.expiresOn > Date().addingTimeInterval(80000), "string expires_on parsed")
                #expect(token.refreshOn != nil, "half-life refresh for a 24 h token")
            }
        }
    }

    @Test func imds410ThenSuccessWaitsWithoutRealTime() async throws {
        try await IdentityFixture.with { f in
            await f.imds.addManagedIdentity(clientID: Self.systemClientID, objectID: "oid", systemAssigned: true)
            await f.imds.faults.enqueue([.status(410), .status(410), .status(410)], pathPrefix: IMDSEmulator.tokenPath)
            let clock = ManualClock()
            let token = try await credential(f, clock: clock).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(!token.token.isEmpty)
            #expect(clock.sleeps == [.seconds(10), .seconds(10), .seconds(10)])
            #expect(await f.imds.faults.requestCount(pathPrefix: IMDSEmulator.tokenPath) == 4)
        }
    }

    @Test func imds410IsRetriedForAtLeast70Seconds() async throws {
        try await IdentityFixture.with { f in
            await f.imds.addManagedIdentity(clientID: Self.systemClientID, objectID: "oid", systemAssigned: true)
            await f.imds.faults.setPersistentFault(.status(410), pathPrefix: IMDSEmulator.tokenPath)
            let clock = ManualClock()
            let start = clock.now()
            let error = try await #require(throws: IdentityError.self) {
                try await credential(f, clock: clock).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.statusCode == 410)
            #expect(clock.now().timeIntervalSince(start) >= 70)
        }
    }

    @Test func throttlingAndServerErrorsAreRetried() async throws {
        try await IdentityFixture.with { f in
            await f.imds.addManagedIdentity(clientID: Self.systemClientID, objectID: "oid", systemAssigned: true)
            await f.imds.faults.enqueue([.throttled(retryAfterSeconds: 3), .throttled(), .status(500)], pathPrefix: IMDSEmulator.tokenPath)
            let clock = ManualClock()
            _ = try await credential(f, clock: clock).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(clock.sleeps == [.seconds(3), .seconds(2), .seconds(4)])
        }
    }

    @Test func droppedConnectionIsRetried() async throws {
        try await IdentityFixture.with { f in
            await f.imds.addManagedIdentity(clientID: Self.systemClientID, objectID: "oid", systemAssigned: true)
            await f.imds.faults.enqueue([.dropConnection], pathPrefix: IMDSEmulator.tokenPath)
            let clock = ManualClock()
            _ = try await credential(f, clock: clock).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(clock.sleeps.count == 1)
        }
    }

    @Test func multipleUserAssignedIdentitiesNeedASelector() async throws {
        try await IdentityFixture.with { f in
            await f.imds.addManagedIdentity(clientID: Self.userClientID, objectID: Self.userObjectID)
            await f.imds.addManagedIdentity(clientID: "other-client", objectID: "other-oid")
            let error = try await #require(throws: IdentityError.self) {
                try await credential(f).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.code == .identityNotFound)
            #expect(error.message.contains("ManagedIdentityID"))
            #expect(!error.message.contains("userAssignedIdentityID"), "IdentityProviders speaks Azure, not the Go provider")
            #expect(error.statusCode == 400)
        }
    }

    @Test func unknownIdentityTellsWhatToSet() async throws {
        try await IdentityFixture.with { f in
            await f.imds.addManagedIdentity(clientID: Self.systemClientID, objectID: "oid", systemAssigned: true)
            let error = try await #require(throws: IdentityError.self) {
                try await credential(f, .clientID("not-assigned")).getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.code == .identityNotFound)
            #expect(error.message.contains("not-assigned"))
            #expect(error.message.contains("assign"))
        }
    }

    @Test func unreachableEndpointIsUnavailable() async throws {
        try await IdentityFixture.with { f in
            try await f.withFastFailingTransport { transport in
                let clock = ManualClock()
                let credential = try ManagedIdentityCredential(
                    endpoint: URL(string: "http://127.0.0.1:9")!, transport: transport, options: f.options(clock: clock)
                )
                let error = try await #require(throws: IdentityError.self) {
                    try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
                }
                #expect(error.code == .credentialUnavailable)
                #expect(clock.sleeps.count == 3)
            }
        }
    }

    /// The default transport (no `transport:` argument) gives up connecting after the short IMDS connect timeout:
    /// the loopback port never completes a handshake, and the attempt ends with `connectTimeout` well before the
    /// 10 s that AsyncHTTPClient's default connect timeout or the request deadline would take.
    @Test func defaultTransportHasAShortConnectTimeout() async throws {
        try await UnresponsiveLoopbackPort.with { port in
            let clock = ManualClock()
            let credential = try ManagedIdentityCredential(
                endpoint: URL(string: "http://127.0.0.1:\(port)")!,
                retryPolicy: IMDSRetryPolicy(maximumRetries: 0),
                options: CredentialOptions(clock: clock)
            )
            let started = ContinuousClock.now
            let error = try await #require(throws: IdentityError.self) {
                try await credential.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            // connectTimeout and not deadlineExceeded: the 2 s connect timer fired before the 10 s deadline on the
            // same event loop (timers fire in deadline order even when a loaded loop runs them late).
            #expect(ContinuousClock.now - started < .seconds(90), "no hang (loose: timers fire seconds late while the whole suite starts)")
            #expect(error.code == .credentialUnavailable)
            #expect(error.message.contains("timedOut"))
            #expect(error.message.contains("connectTimeout"), "\(error.message)")
            #expect(!error.message.contains("deadlineExceeded"))
            #expect(clock.sleeps.isEmpty)
        }
    }

    @Test func podIdentityHostOverridesTheDefaultEndpoint() throws {
        let credential = try ManagedIdentityCredential(environment: ["AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:2579/"])
        #expect(credential.endpoint.absoluteString == "http://127.0.0.1:2579")
        let defaulted = try ManagedIdentityCredential()
        #expect(defaulted.endpoint == ManagedIdentityCredential.defaultEndpoint)
    }
}
