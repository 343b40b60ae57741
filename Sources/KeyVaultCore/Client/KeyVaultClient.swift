import AzureCore
import Foundation
import HTTPTypes
import Logging

/// A Key Vault REST client for reading secrets, keys and certificates, with Key Vault's challenge-based
/// authentication.
///
/// The first request to a vault goes out without a token; the 401 challenge names the tenant and the resource,
/// the resource is checked against the vault's host (a token is never sent to a host that does not end in
/// `.` + the resource domain, unless ``Options/verifyChallengeResource`` is off, for emulators), and the challenge
/// is cached per host. The client does not cache tokens: give it a caching credential.
///
/// Throttling (429), 5xx and connection failures are retried by AzureCore's `RetryingTransport` with
/// ``Options/retryPolicy`` (honouring `Retry-After`, otherwise exponential backoff with jitter), so every request,
/// including paging and the challenge round trip, is retried the same way. Set the policy to `nil` when the
/// transport given is already retrying.
public struct KeyVaultClient: Sendable {
    /// Client settings.
    public struct Options: Sendable {
        /// The Key Vault REST API version sent as `api-version`.
        public var apiVersion: String
        /// Whether to refuse a challenge whose resource domain does not match the vault host (on by default; turn it
        /// off only for emulators and private DNS names that do not follow Key Vault's naming).
        public var verifyChallengeResource: Bool
        /// Whether plain `http://` is allowed for loopback vaults (tests only). Non-loopback hosts always need HTTPS.
        public var allowInsecureLoopbackHTTP: Bool
        /// The most pages a version listing follows before giving up (protects against a `nextLink` loop).
        public var maximumPages: Int
        /// The retry policy wrapped around the transport (`nil`: the transport is used as given).
        public var retryPolicy: RetryPolicy?
        /// The clock the retry layer waits with (inject a test clock to avoid real waits).
        public var clock: any AzureClock
        /// Called before each retry with its reason (for metrics).
        public var onRetry: (@Sendable (RetryingTransport.RetryReason) -> Void)?

        /// Creates options.
        /// - Parameters:
        ///   - apiVersion: The REST API version (default ``KeyVaultClient/defaultAPIVersion``).
        ///   - verifyChallengeResource: Whether to verify the challenge resource (default `true`).
        ///   - allowInsecureLoopbackHTTP: Whether `http://` is allowed for loopback hosts (default `false`).
        ///   - maximumPages: The page limit for listings (default 1000).
        ///   - retryPolicy: The retry policy (default `RetryPolicy.default`: 4 attempts, 429/408/5xx).
        ///   - clock: The clock for retry waits (default `SystemClock`).
        ///   - onRetry: Called before each retry with its reason.
        public init(
            apiVersion: String = KeyVaultClient.defaultAPIVersion,
            verifyChallengeResource: Bool = true,
            allowInsecureLoopbackHTTP: Bool = false,
            maximumPages: Int = 1000,
            retryPolicy: RetryPolicy? = .default,
            clock: any AzureClock = SystemClock(),
            onRetry: (@Sendable (RetryingTransport.RetryReason) -> Void)? = nil
        ) {
            self.onRetry = onRetry
            self.retryPolicy = retryPolicy
            self.clock = clock
            self.apiVersion = apiVersion
            self.verifyChallengeResource = verifyChallengeResource
            self.allowInsecureLoopbackHTTP = allowInsecureLoopbackHTTP
            self.maximumPages = maximumPages
        }
    }

    /// The default REST API version, `7.6` (generally available; the Go SDKs the provider uses speak `7.4`).
    public static let defaultAPIVersion = "7.6"

    /// The vault URL, for example `https://myvault.vault.azure.net/`.
    public let vaultURL: URL
    /// The settings.
    public let options: Options

    private let scheme: String
    private let authority: String
    private let host: String
    private let basePath: String
    private let credential: any TokenCredential
    private let transport: any HTTPTransport
    private let logger: Logger
    private let challenges = ChallengeCache()

    /// Creates a client.
    /// - Parameters:
    ///   - vaultURL: The vault URL (`https://<name>.vault.azure.net/`).
    ///   - credential: Any token credential.
    ///   - transport: Any HTTP transport (default: the process-wide `AsyncHTTPClientTransport.shared`); it is wrapped
    ///     in a `RetryingTransport` unless ``Options/retryPolicy`` is `nil`.
    ///   - options: Settings.
    ///   - logger: Receives debug lines (method, endpoint, status; never a token or a value). Default: no logging.
    /// - Throws: ``KeyVaultError`` with ``KeyVaultError/Code/invalidVaultURL`` for a URL without host or with
    ///   plain HTTP to a non-loopback host.
    public init(
        vaultURL: URL,
        credential: any TokenCredential,
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        options: Options = Options(),
        logger: Logger = Logger(label: "KeyVaultCore", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        guard let components = URLComponents(url: vaultURL, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else {
            throw KeyVaultError(
                code: .invalidVaultURL, vault: vaultURL.absoluteString, message: "the vault URL has no host"
            )
        }
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        guard scheme == "https"
            || (scheme == "http" && options.allowInsecureLoopbackHTTP && LoopbackAddress.isLoopback(bareHost))
        else {
            throw KeyVaultError(
                code: .invalidVaultURL, vault: host,
                message: "the vault URL must use https (plain http is allowed only for loopback test vaults)"
            )
        }
        var authority = bareHost.contains(":") ? "[\(bareHost)]" : bareHost
        if let port = components.port { authority += ":\(port)" }
        var basePath = components.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        self.vaultURL = vaultURL
        self.options = options
        self.scheme = scheme
        self.authority = authority
        self.host = bareHost.lowercased()
        self.basePath = basePath
        self.credential = credential
        if let policy = options.retryPolicy {
            self.transport = RetryingTransport(
                wrapping: transport, policy: policy, clock: options.clock, logger: logger, onRetry: options.onRetry
            )
        } else {
            self.transport = transport
        }
        self.logger = logger
    }

    // MARK: - Get

    /// Gets a secret (`GET /secrets/{name}/{version}`).
    /// - Parameters:
    ///   - name: The secret name.
    ///   - version: The version, or `nil`/empty for the latest.
    /// - Returns: The secret bundle (with its value).
    /// - Throws: ``KeyVaultError`` for Key Vault errors; transport and credential errors as they are.
    public func getSecret(name: String, version: String? = nil) async throws -> SecretBundle {
        let bundle = try await get(SecretBundle.self, type: .secret, name: name, version: version)
        try checkIdentifier(bundle.id, type: .secret, name: name, version: version)
        return bundle
    }

    /// Gets a key's public part (`GET /keys/{name}/{version}`).
    /// - Parameters:
    ///   - name: The key name.
    ///   - version: The version, or `nil`/empty for the latest.
    /// - Returns: The key bundle.
    /// - Throws: ``KeyVaultError`` for Key Vault errors; transport and credential errors as they are.
    public func getKey(name: String, version: String? = nil) async throws -> KeyBundle {
        let bundle = try await get(KeyBundle.self, type: .key, name: name, version: version)
        try checkIdentifier(bundle.kid, type: .key, name: name, version: version)
        return bundle
    }

    /// Gets a certificate (`GET /certificates/{name}/{version}`), the public certificate only.
    /// - Parameters:
    ///   - name: The certificate name.
    ///   - version: The version, or `nil`/empty for the latest.
    /// - Returns: The certificate bundle.
    /// - Throws: ``KeyVaultError`` for Key Vault errors; transport and credential errors as they are.
    public func getCertificate(name: String, version: String? = nil) async throws -> CertificateBundle {
        let bundle = try await get(CertificateBundle.self, type: .certificate, name: name, version: version)
        try checkIdentifier(bundle.id, type: .certificate, name: name, version: version)
        return bundle
    }

    /// Checks that a bundle's identifier names this vault and the object that was asked for (and the version, when
    /// one was), with a plain version token: the version is printed and reported to the driver, so a server cannot
    /// slip another object's identity, line breaks or terminal escapes into it. A bundle without an identifier
    /// reports no version and passes.
    private func checkIdentifier(_ id: String?, type: KeyVaultObjectType, name: String, version: String?) throws(KeyVaultError) {
        guard let id else { return }
        let context = RequestContext(type: type, name: name, version: version, operation: "get")
        func refuse(_ why: String) -> KeyVaultError {
            error(
                context, code: .invalidResponse,
                message: "the response's id \"\(Redaction.serverText(id, maximumLength: 300))\" \(why); the object was not used"
            )
        }
        guard let parsed = KeyVaultIdentifier(id), let components = URLComponents(string: parsed.vaultURL),
              let idScheme = components.scheme?.lowercased(), let host = components.host
        else { throw refuse("is not a Key Vault object identifier") }
        var idAuthority = host.lowercased()
        if let port = components.port { idAuthority += ":\(port)" }
        guard ChallengeCache.key(scheme: idScheme, authority: idAuthority) == ChallengeCache.key(scheme: scheme, authority: authority) else {
            throw refuse("names another vault than \(authority)")
        }
        guard parsed.collection == type.collection, parsed.name.lowercased() == name.lowercased() else {
            throw refuse("names another object than the \(type) \(name)")
        }
        if let returned = parsed.version {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
            guard !returned.isEmpty, returned.count <= 128, returned.allSatisfy(allowed.contains) else {
                throw refuse("has a version that is not a plain version token")
            }
            if let version, !version.isEmpty, version.lowercased() != "latest", returned.lowercased() != version.lowercased() {
                throw refuse("names version \(returned) instead of \(version)")
            }
        }
    }

    // MARK: - List versions

    /// Lists every version of a secret, following `nextLink` paging.
    /// - Parameter name: The secret name.
    /// - Returns: The version items (no values), in Key Vault's order.
    /// - Throws: ``KeyVaultError`` for Key Vault errors; transport and credential errors as they are.
    public func listSecretVersions(name: String) async throws -> [KeyVaultObjectVersion] {
        try await listVersions(type: .secret, name: name)
    }

    /// Lists every version of a key, following `nextLink` paging.
    /// - Parameter name: The key name.
    /// - Returns: The version items.
    /// - Throws: ``KeyVaultError`` for Key Vault errors; transport and credential errors as they are.
    public func listKeyVersions(name: String) async throws -> [KeyVaultObjectVersion] {
        try await listVersions(type: .key, name: name)
    }

    /// Lists every version of a certificate, following `nextLink` paging.
    /// - Parameter name: The certificate name.
    /// - Returns: The version items.
    /// - Throws: ``KeyVaultError`` for Key Vault errors; transport and credential errors as they are.
    public func listCertificateVersions(name: String) async throws -> [KeyVaultObjectVersion] {
        try await listVersions(type: .certificate, name: name)
    }

    /// Lists every secret of the vault (`GET /secrets`), following `nextLink` paging; each item describes the
    /// secret's current version (identifier without version, attributes with `enabled` and `updated`, content type,
    /// tags), never its value. A `nextLink` to another host than the vault's is refused, as for version lists.
    /// - Returns: The items, in Key Vault's order; ``KeyVaultObjectVersion/name`` gives each secret's name.
    /// - Throws: ``KeyVaultError`` for Key Vault errors (a 403 when the identity may not list secrets); transport
    ///   and credential errors as they are.
    public func listSecrets() async throws -> [KeyVaultObjectVersion] {
        let context = RequestContext(type: .secret, name: nil, version: nil, operation: "list")
        return try await collect(makeRequest(path: "/\(KeyVaultObjectType.secret.collection)"), context: context)
    }

    /// Lists the versions of an object of any type.
    /// - Parameters:
    ///   - type: The object type.
    ///   - name: The object name.
    /// - Returns: The version items.
    /// - Throws: ``KeyVaultError`` for Key Vault errors; transport and credential errors as they are.
    public func listVersions(type: KeyVaultObjectType, name: String) async throws -> [KeyVaultObjectVersion] {
        let context = RequestContext(type: type, name: name, version: nil, operation: "list versions")
        try checkName(name, context: context)
        return try await collect(makeRequest(path: "/\(type.collection)/\(Self.escape(name))/versions"), context: context)
    }

    /// Follows a list's `nextLink`s (only to this vault, at most ``Options/maximumPages`` pages).
    private func collect(_ first: HTTPRequest, context: RequestContext) async throws -> [KeyVaultObjectVersion] {
        var request = first
        var items: [KeyVaultObjectVersion] = []
        var pages = 0
        while true {
            pages += 1
            let page = try await perform(request, decoding: VersionPage.self, context: context)
            items += page.value ?? []
            guard let next = page.nextLink, !next.isEmpty else { return items }
            guard pages < options.maximumPages else {
                throw error(context, code: .invalidResponse, message: "more than \(options.maximumPages) pages")
            }
            request = try nextPageRequest(next, context: context)
        }
    }

    // MARK: - Plumbing

    struct RequestContext {
        let type: KeyVaultObjectType?
        let name: String?
        let version: String?
        let operation: String
    }

    private struct VersionPage: Decodable {
        let value: [KeyVaultObjectVersion]?
        let nextLink: String?
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable {
            struct Inner: Decodable { let code: String? }
            let code: String?
            let message: String?
            let innererror: Inner?
        }
        let error: Detail?
    }

    private func get<T: Decodable>(
        _: T.Type, type: KeyVaultObjectType, name: String, version: String?
    ) async throws -> T {
        let context = RequestContext(type: type, name: name, version: version, operation: "get")
        try checkName(name, context: context)
        let path = "/\(type.collection)/\(Self.escape(name))/\(Self.escape(version ?? ""))"
        return try await perform(makeRequest(path: path), decoding: T.self, context: context)
    }

    /// An empty name would address the collection (`/secrets//`), not an object: refused before anything is sent.
    private func checkName(_ name: String, context: RequestContext) throws(KeyVaultError) {
        guard name.isEmpty else { return }
        throw error(context, code: .invalidObjectName, message: "the \(context.type?.description ?? "object") name is empty")
    }

    private func makeRequest(path: String) -> HTTPRequest {
        let query = "api-version=" + (options.apiVersion.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")
        var request = HTTPRequest(method: .get, scheme: scheme, authority: authority, path: basePath + path + "?" + query)
        request.headerFields[.accept] = "application/json"
        return request
    }

    /// The request for a `nextLink`: followed verbatim, but only to this vault, over the vault's scheme.
    private func nextPageRequest(_ link: String, context: RequestContext) throws -> HTTPRequest {
        guard let url = URL(string: link), let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let linkHost = components.host
        else {
            throw error(context, code: .invalidResponse, message: "the nextLink is not a URL")
        }
        var linkAuthority = linkHost.lowercased()
        if let port = components.port { linkAuthority += ":\(port)" }
        let sameVault = components.scheme?.lowercased() == scheme
            && ChallengeCache.key(scheme: scheme, authority: linkAuthority)
                == ChallengeCache.key(scheme: scheme, authority: authority)
        guard sameVault else {
            throw error(context, code: .invalidVaultURL, message: "the nextLink points outside the vault; not followed")
        }
        var request = HTTPRequest(method: .get, targetURL: url)
        request.headerFields[.accept] = "application/json"
        return request
    }

    private func perform<T: Decodable>(
        _ request: HTTPRequest, decoding: T.Type, context: RequestContext
    ) async throws -> T {
        let response = try await send(request, context: context)
        guard (200..<300).contains(response.statusCode) else {
            throw serviceError(response, context: context)
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode(T.self, from: response.body)
        } catch {
            throw self.error(
                context, code: .invalidResponse, status: response.statusCode,
                message: "the response is not a valid \(context.type?.description ?? "Key Vault") JSON body",
                underlying: error
            )
        }
    }

    /// Sends a request with challenge-based authentication.
    private func send(_ request: HTTPRequest, context: RequestContext) async throws -> HTTPTransportResponse {
        let cacheKey = ChallengeCache.key(scheme: request.scheme, authority: request.authority ?? authority)
        let current: AuthenticationChallenge
        switch await challenges.ticket(for: cacheKey) {
        case .cached(let challenge):
            current = challenge
        case .discover:
            let discovered: Result<AuthenticationChallenge, any Error>
            do {
                let response = try await transmit(request)
                guard response.statusCode == 401 else {
                    await challenges.finishDiscovery(for: cacheKey)
                    return response
                }
                guard let parsed = Self.bearerChallenge(in: response) else {
                    await challenges.remove(cacheKey)
                    await challenges.finishDiscovery(for: cacheKey)
                    return response
                }
                try verify(parsed, request: request, context: context)
                await challenges.store(parsed, for: cacheKey)
                discovered = .success(parsed)
            } catch {
                discovered = .failure(error)
            }
            await challenges.finishDiscovery(for: cacheKey)
            current = try discovered.get()
        }
        var response = try await transmit(try await authorize(request, with: current))
        if response.statusCode == 401 {
            if let renewed = Self.bearerChallenge(in: response) {
                try verify(renewed, request: request, context: context)
                await challenges.store(renewed, for: cacheKey)
                if renewed.claims != nil || renewed != current {
                    // A CAE claims challenge or a changed tenant/resource: one more attempt with a fresh token.
                    response = try await transmit(try await authorize(request, with: renewed))
                }
            } else {
                await challenges.remove(cacheKey)
            }
        }
        return response
    }

    private func authorize(_ request: HTTPRequest, with challenge: AuthenticationChallenge) async throws -> HTTPRequest {
        let token = try await credential.getToken(
            for: TokenRequestContext(scopes: [challenge.tokenScope], tenantID: challenge.tenantID, claims: challenge.claims)
        )
        var authorized = request
        authorized.headerFields[.authorization] = "Bearer " + token.token
        return authorized
    }

    private func transmit(_ request: HTTPRequest) async throws -> HTTPTransportResponse {
        let response = try await transport.send(request, body: nil)
        logger.debug(
            "Key Vault request",
            metadata: [
                "method": "\(request.method)", "endpoint": "\(Redaction.endpoint(request))",
                "status": "\(response.statusCode)",
            ]
        )
        return response
    }

    private func verify(
        _ challenge: AuthenticationChallenge, request: HTTPRequest, context: RequestContext
    ) throws {
        guard options.verifyChallengeResource else { return }
        let requestHost = (request.targetHost ?? host).lowercased()
        guard let domain = challenge.resourceDomain, !domain.isEmpty, requestHost.hasSuffix("." + domain) else {
            let resource = (challenge.scope?.isEmpty == false ? challenge.scope : challenge.resource) ?? ""
            throw error(
                context, code: .challengeResourceMismatch, status: 401,
                message: "The challenge resource '\(resource)' does not match the requested domain "
                    + "'\(requestHost)'; no token was sent.",
                recommendation: "Check the vault URL. To use an emulator or a host outside the resource's domain, "
                    + "set verifyChallengeResource to false. See https://aka.ms/azsdk/blog/vault-uri"
            )
        }
    }

    static func bearerChallenge(in response: HTTPTransportResponse) -> AuthenticationChallenge? {
        for value in response.response.headerFields[values: .wwwAuthenticate] {
            if let challenge = AuthenticationChallenge(header: value) { return challenge }
        }
        return nil
    }

    private func serviceError(_ response: HTTPTransportResponse, context: RequestContext) -> KeyVaultError {
        let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body)
        let status = response.statusCode
        let serviceCode = body?.error?.code
        let innerCode = body?.error?.innererror?.code
        let code: KeyVaultError.Code
        switch status {
        case 404: code = .notFound
        case 403: code = .forbidden
        case 401: code = .unauthorized
        case 429: code = .throttled
        default: code = .serviceError
        }
        // Key Vault's own text, made safe: a misbehaving server could echo the Authorization header (a token) or
        // put line breaks and terminal escapes in it.
        let message = body?.error?.message.map { Redaction.serverText($0) } ?? (status == 401
            ? "Key Vault answered 401 without a usable Bearer challenge."
            : "Key Vault answered HTTP \(status).")
        var failure = error(
            context, code: code, status: status, message: message,
            recommendation: nil
        )
        failure.serviceErrorCode = serviceCode.map { Redaction.serverText($0, maximumLength: 100) }
        failure.innerErrorCode = innerCode.map { Redaction.serverText($0, maximumLength: 100) }
        failure.requestID = response.response.headerFields[HTTPField.Name("x-ms-request-id")!]
        failure.recommendation = KeyVaultErrorAdvice.recommendation(for: failure)
        return failure
    }

    private func error(
        _ context: RequestContext, code: KeyVaultError.Code, status: Int? = nil, message: String,
        recommendation: String? = nil, underlying: (any Error & Sendable)? = nil
    ) -> KeyVaultError {
        KeyVaultError(
            code: code, statusCode: status, vault: authority.lowercased(), objectName: context.name, objectType: context.type,
            objectVersion: context.version, operation: context.operation, message: message,
            recommendation: recommendation, underlying: underlying
        )
    }

    /// Percent-encodes a path segment (Key Vault names are `[0-9a-zA-Z-]`, but input is untrusted).
    static func escape(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
