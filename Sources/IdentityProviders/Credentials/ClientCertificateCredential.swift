import AzureCore
import Crypto
import Foundation
import _CryptoExtras

/// A service principal authenticating with a certificate: a signed JWT client assertion.
///
/// By default the assertion is PS256 with `x5t#S256` (what Entra documents); ``AssertionStyle/rs256WithSHA1Thumbprint``
/// gives RS256 with `x5t` (ADFS and older SDKs). EC keys sign ES256/ES384 with `x5t#S256`. With
/// `sendCertificateChain` the header carries `x5c` (standard base64 DER, leaf first) for subject name/issuer
/// authentication.
public struct ClientCertificateCredential: TokenCredential {
    /// How the assertion header is built.
    public enum AssertionStyle: Sendable, Hashable {
        /// PS256 (RSA) or ES256/ES384 (EC), with `x5t#S256`.
        case ps256WithSHA256Thumbprint
        /// RS256 with `x5t` (SHA-1); RSA keys only.
        case rs256WithSHA1Thumbprint
    }

    static let name = "ClientCertificateCredential"

    /// The tenant ID.
    public let tenantID: String
    /// The application (client) ID.
    public let clientID: String
    private let certificate: ClientCertificate
    private let style: AssertionStyle
    private let sendCertificateChain: Bool
    private let options: CredentialOptions
    private let client: EntraTokenClient
    private let cache: TokenCache

    /// Creates the credential.
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The application (client) ID.
    ///   - certificate: The certificate and key.
    ///   - style: Assertion algorithm and thumbprint header.
    ///   - sendCertificateChain: Put `x5c` in the header.
    ///   - options: Transport, authority, cache, clock, logger.
    /// - Throws: ``IdentityError`` `invalidConfiguration` (bad tenant, RS256 with an EC key).
    public init(
        tenantID: String,
        clientID: String,
        certificate: ClientCertificate,
        style: AssertionStyle = .ps256WithSHA256Thumbprint,
        sendCertificateChain: Bool = false,
        options: CredentialOptions = CredentialOptions()
    ) throws {
        try AuthorityValidation.validateTenant(tenantID, credential: Self.name)
        if style == .rs256WithSHA1Thumbprint, case .rsa = certificate.key {} else if style == .rs256WithSHA1Thumbprint {
            throw IdentityError(code: .invalidConfiguration, credential: Self.name, message: "RS256 needs an RSA key")
        }
        self.tenantID = tenantID
        self.clientID = clientID
        self.certificate = certificate
        self.style = style
        self.sendCertificateChain = sendCertificateChain
        self.options = options
        self.client = EntraTokenClient(credential: Self.name, options: options)
        self.cache = options.resolvedCache()
    }

    /// Gets a token, from the cache when possible.
    /// - Parameter request: Scopes, tenant, claims.
    /// - Returns: The token.
    /// - Throws: ``IdentityError``.
    public func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        let tenant = try options.tenant(for: request, configured: tenantID, credential: Self.name)
        let key = TokenCache.Key(
            credentialID: "certificate|\(options.authorityHost)|\(clientID)|\(certificate.sha256Thumbprint)",
            tenantID: tenant, scopes: request.scopes, claims: request.claims
        )
        let client = self.client
        let clientID = self.clientID
        let this = self
        return try await cache.token(for: key) {
            let assertion = try this.makeAssertion(audience: client.tokenEndpoint(tenant: tenant).absoluteString)
            return try await client.requestToken(tenant: tenant, request: request, clientID: clientID, assertion: assertion)
        }
    }

    /// Builds a signed client assertion for a token endpoint (exposed for tests and custom flows).
    /// - Parameter audience: The token endpoint URL.
    /// - Returns: The compact JWT.
    /// - Throws: ``IdentityError`` when signing fails.
    public func makeAssertion(audience: String) throws -> String {
        let now = Int(options.clock.now().timeIntervalSince1970)
        var header: [String: Any] = ["typ": "JWT"]
        switch (style, certificate.key) {
        case (.rs256WithSHA1Thumbprint, _):
            header["alg"] = "RS256"
            header["x5t"] = certificate.sha1Thumbprint
        case (.ps256WithSHA256Thumbprint, .rsa):
            header["alg"] = "PS256"
            header["x5t#S256"] = certificate.sha256Thumbprint
        case (.ps256WithSHA256Thumbprint, .p256):
            header["alg"] = "ES256"
            header["x5t#S256"] = certificate.sha256Thumbprint
        case (.ps256WithSHA256Thumbprint, .p384):
            header["alg"] = "ES384"
            header["x5t#S256"] = certificate.sha256Thumbprint
        }
        if sendCertificateChain {
            header["x5c"] = certificate.chainDER.map { $0.base64EncodedString() }
        }
        let claims: [String: Any] = [
            "aud": audience, "iss": clientID, "sub": clientID, "jti": UUID().uuidString.lowercased(),
            "nbf": now, "iat": now, "exp": now + 600,
        ]
        do {
            let h = Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]))
            let c = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes]))
            let input = Data("\(h).\(c)".utf8)
            let signature: Data
            switch certificate.key {
            case .rsa(let key):
                let padding: _RSA.Signing.Padding = style == .rs256WithSHA1Thumbprint ? .insecurePKCS1v1_5 : .PSS
                signature = try key.signature(for: SHA256.hash(data: input), padding: padding).rawRepresentation
            case .p256(let key):
                signature = try key.signature(for: input).rawRepresentation
            case .p384(let key):
                signature = try key.signature(for: input).rawRepresentation
            }
            return "\(h).\(c).\(Base64URL.encode(signature))"
        } catch {
            throw IdentityError(code: .invalidConfiguration, credential: Self.name, message: "signing the client assertion failed")
        }
    }
}

extension ClientCertificateCredential: CustomStringConvertible, CustomReflectable {
    /// The tenant, client ID and certificate thumbprint; never the private key.
    public var description: String {
        "ClientCertificateCredential(tenantID: \(tenantID), clientID: \(clientID), certificate: \(certificate))"
    }

    /// A mirror without the private key, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["tenantID": tenantID, "clientID": clientID, "certificate": certificate.description], displayStyle: .struct)
    }
}
