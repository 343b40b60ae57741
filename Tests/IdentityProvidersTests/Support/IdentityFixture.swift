import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Logging

/// Starts the CA, OIDC issuer, Entra and IMDS emulators and a transport trusting the CA; stops them afterwards.
struct IdentityFixture {
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    static let appClientID = "11111111-2222-3333-4444-555555555555"
    static let appObjectID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    static let secret = "s3cr3t~Value.For-Tests_0123456789"
    static let scope = "https://vault.azure.net/.default"

    let ca: TestCertificateAuthority
    let issuer: OIDCIssuerEmulator
    let entra: EntraEmulator
    let imds: IMDSEmulator
    let transport: AsyncHTTPClientTransport
    let capture: LogCapture
    let logger: Logger

    static func with<R>(_ body: (IdentityFixture) async throws -> R) async throws -> R {
        let capture = LogCapture()
        let logger = capture.logger(label: "fixture", level: .trace)
        let ca = try TestCertificateAuthority()
        let issuer = try await OIDCIssuerEmulator.start(certificateAuthority: ca, logger: logger)
        let entra = try await EntraEmulator.start(certificateAuthority: ca, logger: logger)
        let imds = try await IMDSEmulator.start(entra: entra, tenantID: tenant, certificateAuthority: ca, logger: logger)
        let transport = try AsyncHTTPClientTransport(
            configuration: .init(connectTimeout: .seconds(10), requestTimeout: .seconds(30), additionalTrustRootsPEM: [ca.caPEM], ignoresEnvironmentProxy: true),
            environment: [:]
        )
        await entra.registerApplication(tenantID: tenant, clientID: appClientID, objectID: appObjectID, secret: secret)
        let fixture = IdentityFixture(ca: ca, issuer: issuer, entra: entra, imds: imds, transport: transport, capture: capture, logger: logger)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    func stop() async {
        try? await transport.shutdown()
        await imds.stop()
        await entra.stop()
        await issuer.stop()
    }

    /// Options pointing at the Entra emulator, with fast retries on a manual clock.
    func options(clock: ManualClock = ManualClock(), cache: TokenCache? = nil) -> CredentialOptions {
        CredentialOptions(
            transport: transport,
            retryPolicy: RetryPolicy(maximumAttempts: 4, baseDelay: .milliseconds(10)),
            clock: clock,
            cache: cache,
            logger: logger,
            authorityHost: entra.authorityHost
        )
    }

    /// Runs a body with a transport that gives up connecting after one second (for unreachable endpoints).
    func withFastFailingTransport<R: Sendable>(_ body: (AsyncHTTPClientTransport) async throws -> R) async throws -> R {
        try await AsyncHTTPClientTransport.withTransport(
            configuration: .init(connectTimeout: .seconds(1), requestTimeout: .seconds(3), ignoresEnvironmentProxy: true),
            environment: [:]
        ) { transport in try await body(transport) }
    }

    var tokenPath: String { "/\(IdentityFixture.tenant)/oauth2/v2.0/token" }
}

/// Counts calls, for single-flight tests.
actor Counter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}
