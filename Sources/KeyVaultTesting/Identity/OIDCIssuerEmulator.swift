import AzureCoreTesting
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// An emulated Kubernetes service-account token issuer (the AKS OIDC issuer), over loopback HTTPS.
///
/// Serves `/.well-known/openid-configuration` and its JWKS (`/openid/v1/jwks`), and mints projected
/// service-account tokens (`iss`, `sub = system:serviceaccount:<ns>:<name>`, `aud = api://AzureADTokenExchange`,
/// `exp`) signed with its ES256 key. The issuer URL ends with a slash, like AKS issuers do.
public struct OIDCIssuerEmulator: Sendable {
    /// The audience of workload identity tokens.
    public static let workloadIdentityAudience = "api://AzureADTokenExchange"

    /// The running server.
    public let server: LoopbackHTTPSServer
    /// Fault injection and request counters for this issuer.
    public let faults: FaultInjector
    private let signingKey: P256.Signing.PrivateKey
    private let keyID: String

    /// The issuer URL (`https://127.0.0.1:<port>/`, with the trailing slash).
    public var issuer: String { server.baseURL.absoluteString + "/" }

    /// Starts an issuer.
    /// - Parameters:
    ///   - certificateAuthority: The test CA whose leaf the server presents.
    ///   - logger: The server's logger.
    /// - Returns: The running issuer; call ``stop()`` when done.
    /// - Throws: A server start error.
    public static func start(certificateAuthority: TestCertificateAuthority, logger: Logger) async throws -> OIDCIssuerEmulator {
        let key = P256.Signing.PrivateKey()
        let kid = EmulatorJWT.base64URL(Data(SHA256.hash(data: key.publicKey.rawRepresentation)).prefix(16))
        let faults = FaultInjector()
        let router = Router()
        router.add(middleware: faults.middleware())
        let jwks = try JSONSerialization.data(withJSONObject: ["keys": [EmulatorJWT.jwk(for: key.publicKey, kid: kid)]])
        router.get(".well-known/openid-configuration") { request, _ -> Response in
            let host = request.head.authority ?? "127.0.0.1"
            let base = "https://\(host)"
            let document: [String: Any] = [
                "issuer": base + "/",
                "jwks_uri": base + "/openid/v1/jwks",
                "response_types_supported": ["id_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["ES256"],
            ]
            return try jsonResponse(document)
        }
        router.get("openid/v1/jwks") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: jwks))
            )
        }
        let server = try await LoopbackHTTPSServer.start(router: router, certificateAuthority: certificateAuthority, logger: logger)
        return OIDCIssuerEmulator(server: server, faults: faults, signingKey: key, keyID: kid)
    }

    /// Mints a projected service-account token.
    /// - Parameters:
    ///   - namespace: The Kubernetes namespace.
    ///   - serviceAccount: The service account name.
    ///   - audience: The audience (default `api://AzureADTokenExchange`).
    ///   - lifetime: Seconds until `exp` (negative for an already expired token).
    ///   - issuedAt: The `iat`/`nbf` instant (default now).
    ///   - issuerOverride: Put a different `iss` in the token (to test a wrong issuer).
    /// - Returns: The compact JWT.
    /// - Throws: A JSON or signing error (not expected).
    public func mintServiceAccountToken(
        namespace: String,
        serviceAccount: String,
        audience: String = OIDCIssuerEmulator.workloadIdentityAudience,
        lifetime: TimeInterval = 3600,
        issuedAt: Date = Date(),
        issuerOverride: String? = nil
    ) throws -> String {
        let iat = Int(issuedAt.timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": issuerOverride ?? issuer,
            "sub": "system:serviceaccount:\(namespace):\(serviceAccount)",
            "aud": [audience],
            "iat": iat,
            "nbf": iat,
            "exp": iat + Int(lifetime),
            "kubernetes.io": ["namespace": namespace, "serviceaccount": ["name": serviceAccount, "uid": UUID().uuidString.lowercased()]],
        ]
        return try EmulatorJWT.sign(header: ["alg": "ES256", "typ": "JWT", "kid": keyID], claims: claims, key: signingKey)
    }

    /// Mints a token signed by a key this issuer does not publish (to test signature rejection).
    /// - Parameters:
    ///   - namespace: The namespace.
    ///   - serviceAccount: The service account.
    /// - Returns: The JWT.
    /// - Throws: A JSON or signing error.
    public func mintTokenWithForeignKey(namespace: String, serviceAccount: String) throws -> String {
        let iat = Int(Date().timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": issuer, "sub": "system:serviceaccount:\(namespace):\(serviceAccount)",
            "aud": [Self.workloadIdentityAudience], "iat": iat, "nbf": iat, "exp": iat + 3600,
        ]
        return try EmulatorJWT.sign(header: ["alg": "ES256", "typ": "JWT", "kid": keyID], claims: claims, key: P256.Signing.PrivateKey())
    }

    /// Stops the server.
    public func stop() async {
        await server.stop()
    }
}

func jsonResponse(_ object: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    var fields = headers
    fields[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}
