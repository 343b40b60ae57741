import AzureCoreTesting
import AzureCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwiftASN1
import X509
import _CryptoExtras

/// An emulated Microsoft Entra ID token endpoint, per tenant, over loopback HTTPS.
///
/// Routes: `POST /{tenant}/oauth2/v2.0/token` (client credentials with a client secret, a certificate assertion,
/// or a federated assertion), `GET /{tenant}/v2.0/.well-known/openid-configuration`,
/// `GET /{tenant}/discovery/v2.0/keys`, `GET /common/discovery/instance` (MSAL instance discovery).
/// It validates what it is given as Entra does and answers failures with Entra's error JSON and AADSTS codes
/// (90002 unknown tenant, 700016 unknown app, 7000215 bad secret, 70021 no matching federated credential,
/// 700024 assertion outside its time range, 700027 bad assertion signature or unknown certificate, 90061 issuer
/// unreachable, 70011 bad scope, 900144/7000218 missing parameters). Federated assertions are checked by fetching
/// the issuer's OpenID configuration and JWKS over HTTPS (trusting the test CA).
///
/// Access tokens are ES256 JWTs with `aud`, `tid`, `oid`, `appid`, `exp`, `iss`; verify them with
/// ``verifyAccessToken(_:now:)``.
public struct EntraEmulator: Sendable {
    /// The running server.
    public let server: LoopbackHTTPSServer
    /// Fault injection and request counters.
    public let faults: FaultInjector
    let directory: EntraDirectory
    let signingKey: P256.Signing.PrivateKey
    let keyID: String
    private let fetcher: AsyncHTTPClientTransport

    /// The authority host to give clients (`https://127.0.0.1:<port>`), the emulator's `AZURE_AUTHORITY_HOST`.
    public var authorityHost: URL { server.baseURL }

    /// The token endpoint of a tenant.
    /// - Parameter tenantID: The tenant.
    /// - Returns: `https://127.0.0.1:<port>/<tenant>/oauth2/v2.0/token`.
    public func tokenEndpoint(tenantID: String) -> URL {
        server.baseURL.appendingPathComponent(tenantID).appendingPathComponent("oauth2/v2.0/token")
    }

    /// Starts the emulator.
    /// - Parameters:
    ///   - certificateAuthority: The test CA: the server presents its leaf, and issuer JWKS fetches trust it.
    ///   - logger: The server's logger.
    /// - Returns: The running emulator; call ``stop()`` when done.
    /// - Throws: A server start error.
    public static func start(certificateAuthority: TestCertificateAuthority, logger: Logger) async throws -> EntraEmulator {
        let key = P256.Signing.PrivateKey()
        let kid = EmulatorJWT.base64URL(Data(SHA256.hash(data: key.publicKey.rawRepresentation)).prefix(16))
        let directory = EntraDirectory()
        let faults = FaultInjector()
        let fetcher = try AsyncHTTPClientTransport(
            configuration: .init(connectTimeout: .seconds(5), requestTimeout: .seconds(10), additionalTrustRootsPEM: [certificateAuthority.caPEM], ignoresEnvironmentProxy: true),
            environment: [:]
        )
        let handler = EntraRequestHandler(directory: directory, signingKey: key, keyID: kid, fetcher: fetcher, logger: logger)
        let router = Router()
        router.add(middleware: faults.middleware())
        router.post(":tenant/oauth2/v2.0/token") { request, context -> Response in
            try await handler.token(request: request, tenant: context.parameters.get("tenant") ?? "")
        }
        router.get(":tenant/v2.0/.well-known/openid-configuration") { request, context -> Response in
            try await handler.openIDConfiguration(request: request, tenant: context.parameters.get("tenant") ?? "")
        }
        router.get(":tenant/discovery/v2.0/keys") { _, _ -> Response in
            try jsonResponse(["keys": [EmulatorJWT.jwk(for: key.publicKey, kid: kid)]])
        }
        router.get("common/discovery/instance") { request, _ -> Response in
            try handler.instanceDiscovery(request: request)
        }
        do {
            let server = try await LoopbackHTTPSServer.start(router: router, certificateAuthority: certificateAuthority, logger: logger)
            return EntraEmulator(server: server, faults: faults, directory: directory, signingKey: key, keyID: kid, fetcher: fetcher)
        } catch {
            try? await fetcher.shutdown()
            throw error
        }
    }

    /// Stops the server and its HTTP client.
    public func stop() async {
        await server.stop()
        try? await fetcher.shutdown()
    }

    // MARK: Registration

    /// Creates a tenant (registrations create their tenant implicitly).
    /// - Parameter tenantID: The tenant ID.
    public func addTenant(_ tenantID: String) async {
        await directory.ensureTenant(tenantID)
    }

    /// Registers an application (service principal) in a tenant, optionally with a client secret.
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The application (client) ID.
    ///   - objectID: The service principal's object ID (the `oid` of its tokens).
    ///   - secret: A client secret, if any.
    public func registerApplication(tenantID: String, clientID: String, objectID: String, secret: String? = nil) async {
        await directory.register(tenant: tenantID, clientID: clientID, objectID: objectID, secret: secret)
    }

    /// Adds a client secret to a registered application.
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The application.
    ///   - secret: The secret.
    /// - Throws: `EmulatorError` `notRegistered`.
    public func addClientSecret(tenantID: String, clientID: String, secret: String) async throws {
        try await directory.update(tenant: tenantID, clientID: clientID) { $0.secrets.append(secret) }
    }

    /// Registers a certificate credential (RSA or P-256 public key) on an application.
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The application.
    ///   - certificate: The certificate; its SHA-1 and SHA-256 thumbprints identify it in assertions.
    /// - Throws: `EmulatorError` `notRegistered` or `invalidConfiguration` for an unsupported key type.
    public func registerCertificate(tenantID: String, clientID: String, certificate: Certificate) async throws {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let der = Data(serializer.serializedBytes)
        let key: EmulatorJWT.VerificationKey
        if let p256 = P256.Signing.PublicKey(certificate.publicKey) {
            key = .p256(p256)
        } else if let rsa = _RSA.Signing.PublicKey(certificate.publicKey) {
            key = .rsa(rsa)
        } else {
            throw EmulatorError(code: .invalidConfiguration, message: "only RSA and P-256 certificates are supported")
        }
        let registered = EntraDirectory.RegisteredCertificate(
            sha1: EmulatorJWT.base64URL(Data(Insecure.SHA1.hash(data: der))),
            sha256: EmulatorJWT.base64URL(Data(SHA256.hash(data: der))),
            publicKey: key
        )
        try await directory.update(tenant: tenantID, clientID: clientID) { $0.certificates.append(registered) }
    }

    /// Registers a certificate credential given as PEM (the first `CERTIFICATE` block is used).
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The application.
    ///   - certificatePEM: The certificate PEM.
    /// - Throws: `EmulatorError` `invalidConfiguration` for unparseable PEM, or `notRegistered`.
    public func registerCertificate(tenantID: String, clientID: String, certificatePEM: String) async throws {
        guard let document = try? PEMDocument.parseMultiple(pemString: certificatePEM).first(where: { $0.discriminator == "CERTIFICATE" }),
            let certificate = try? Certificate(derEncoded: document.derBytes)
        else {
            throw EmulatorError(code: .invalidConfiguration, message: "the PEM holds no parseable certificate")
        }
        try await registerCertificate(tenantID: tenantID, clientID: clientID, certificate: certificate)
    }

    /// Adds a federated identity credential to an application.
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The application.
    ///   - issuer: The OIDC issuer URL, compared exactly (a missing trailing slash does not match).
    ///   - subject: The subject, for example `system:serviceaccount:default:workload-identity-sa`.
    ///   - audience: The audience (default `api://AzureADTokenExchange`).
    /// - Throws: `EmulatorError` `notRegistered`.
    public func addFederatedCredential(
        tenantID: String,
        clientID: String,
        issuer: String,
        subject: String,
        audience: String = OIDCIssuerEmulator.workloadIdentityAudience
    ) async throws {
        let credential = EntraDirectory.FederatedCredential(issuer: issuer, subject: subject, audience: audience)
        try await directory.update(tenant: tenantID, clientID: clientID) { $0.federated.append(credential) }
    }

    /// Sets the lifetime of issued tokens and the optional `refresh_in` returned with them.
    /// - Parameters:
    ///   - lifetime: Seconds (`expires_in`).
    ///   - refreshIn: Seconds, or `nil` to omit `refresh_in`.
    public func setTokenLifetime(_ lifetime: TimeInterval, refreshIn: TimeInterval? = nil) async {
        await directory.setLifetime(lifetime, refreshIn: refreshIn)
    }

    // MARK: Tokens

    /// Mints an access token signed with the emulator's key (used by ``IMDSEmulator``).
    /// - Parameters:
    ///   - tenantID: `tid`.
    ///   - audience: `aud` (the resource).
    ///   - clientID: `appid`.
    ///   - objectID: `oid`.
    ///   - lifetime: Seconds until expiry.
    ///   - now: Issue time.
    /// - Returns: The JWT and its expiry.
    /// - Throws: A signing error (not expected).
    public func mintAccessToken(
        tenantID: String,
        audience: String,
        clientID: String,
        objectID: String,
        lifetime: TimeInterval,
        now: Date = Date()
    ) throws -> (token: String, expiresOn: Date) {
        try EntraRequestHandler.mint(
            key: signingKey, keyID: keyID, tenantID: tenantID, audience: audience, clientID: clientID,
            objectID: objectID, lifetime: lifetime, now: now
        )
    }

    /// Verifies an access token's signature and expiry and returns its claims. The caller checks `aud` and `tid`.
    /// - Parameters:
    ///   - token: The bearer token.
    ///   - now: The current time (default now).
    /// - Returns: The claims.
    /// - Throws: `EmulatorError` `invalidToken` when malformed, badly signed or expired.
    public func verifyAccessToken(_ token: String, now: Date = Date()) async throws -> EntraAccessTokenClaims {
        let decoded = try EmulatorJWT.decode(token)
        guard decoded.header["kid"] as? String == keyID, EmulatorJWT.verify(decoded, with: .p256(signingKey.publicKey)) else {
            throw EmulatorError(code: .invalidToken, message: "the access token signature is not valid")
        }
        let c = decoded.claims
        guard let exp = EmulatorJWT.number(c["exp"]) else {
            throw EmulatorError(code: .invalidToken, message: "the access token has no exp")
        }
        guard exp > now.timeIntervalSince1970 else {
            throw EmulatorError(code: .invalidToken, message: "the access token expired")
        }
        guard let aud = c["aud"] as? String, let tid = c["tid"] as? String, let oid = c["oid"] as? String,
            let appid = c["appid"] as? String, let iss = c["iss"] as? String
        else {
            throw EmulatorError(code: .invalidToken, message: "the access token lacks aud, tid, oid, appid or iss")
        }
        return EntraAccessTokenClaims(aud: aud, tid: tid, oid: oid, appid: appid, exp: Date(timeIntervalSince1970: exp), iss: iss)
    }
}
