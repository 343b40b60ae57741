import AzureCore
import Foundation
import HTTPTypes
import Logging

/// Which managed identity to ask IMDS for.
public enum ManagedIdentityID: Sendable, Hashable, CustomStringConvertible {
    /// The system-assigned identity (or the only user-assigned one when there is no system identity).
    case systemAssigned
    /// A user-assigned identity by client ID (`client_id`).
    case clientID(String)
    /// A user-assigned identity by object (principal) ID (`object_id`).
    case objectID(String)
    /// A user-assigned identity by ARM resource ID (`msi_res_id`).
    case resourceID(String)

    /// A readable form, for error messages.
    public var description: String {
        switch self {
        case .systemAssigned: return "the system-assigned identity"
        case .clientID(let id): return "client ID \(id)"
        case .objectID(let id): return "object ID \(id)"
        case .resourceID(let id): return "resource ID \(id)"
        }
    }
}

/// How IMDS requests are retried (the documented IMDS rules).
public struct IMDSRetryPolicy: Sendable, Hashable {
    /// Retries for 404, 408, 429, 5xx and connection failures, with exponential backoff.
    public var maximumRetries: Int
    /// First backoff (doubles each retry).
    public var initialDelay: Duration
    /// Retries for 410 (IMDS is being updated).
    public var maximumGoneRetries: Int
    /// Fixed delay between 410 retries; `maximumGoneRetries * goneDelay` must cover at least 70 s.
    public var goneDelay: Duration
    /// The longest `Retry-After` honoured; a longer one (a broken or hostile endpoint asking for years) is cut to it.
    public var maximumServerRequestedDelay: Duration

    /// Creates a policy.
    /// - Parameters:
    ///   - maximumRetries: Retries for transient statuses (default 3: 1 s, 2 s, 4 s).
    ///   - initialDelay: First backoff (default 1 s).
    ///   - maximumGoneRetries: Retries for 410 (default 7).
    ///   - goneDelay: Delay between 410 retries (default 10 s, so 70 s in all).
    ///   - maximumServerRequestedDelay: The longest `Retry-After` honoured (default 60 s).
    public init(
        maximumRetries: Int = 3, initialDelay: Duration = .seconds(1), maximumGoneRetries: Int = 7,
        goneDelay: Duration = .seconds(10), maximumServerRequestedDelay: Duration = .seconds(60)
    ) {
        self.maximumRetries = maximumRetries
        self.initialDelay = initialDelay
        self.maximumGoneRetries = maximumGoneRetries
        self.goneDelay = goneDelay
        self.maximumServerRequestedDelay = maximumServerRequestedDelay
    }

    /// The default policy.
    public static let `default` = IMDSRetryPolicy()
}

/// A managed identity through the Azure Instance Metadata Service (VMs, VM scale sets, AKS nodes).
///
/// `GET {endpoint}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=…` with `Metadata: true`;
/// the resource is the single scope without `/.default`. String-typed numbers in the answer are parsed. Retries
/// follow ``IMDSRetryPolicy`` (410 for at least 70 s). The endpoint is `http://169.254.169.254` unless
/// `AZURE_POD_IDENTITY_AUTHORITY_HOST` or an explicit endpoint says otherwise. A 400 "identity not found" or
/// "multiple user assigned identities" becomes ``IdentityError/Code/identityNotFound`` with the fix.
public struct ManagedIdentityCredential: TokenCredential {
    static let name = "ManagedIdentityCredential"
    /// The default IMDS endpoint.
    public static let defaultEndpoint = URL(string: "http://169.254.169.254")!

    /// The identity requested.
    public let identity: ManagedIdentityID
    /// The IMDS base URL.
    public let endpoint: URL
    private let retry: IMDSRetryPolicy
    private let transport: any HTTPTransport
    private let options: CredentialOptions
    private let cache: TokenCache
    private let apiVersion: String

    /// Creates the credential.
    /// - Parameters:
    ///   - identity: Which identity (default system-assigned).
    ///   - endpoint: Explicit IMDS base URL; otherwise `AZURE_POD_IDENTITY_AUTHORITY_HOST` from `environment`, then
    ///     `http://169.254.169.254`.
    ///   - environment: Environment variables.
    ///   - retryPolicy: IMDS retry rules.
    ///   - transport: The transport; by default `AsyncHTTPClientTransport.instanceMetadata`: a
    ///     process-wide client with a 2 s connect timeout (an absent IMDS fails fast), a 10 s per-attempt deadline,
    ///     no proxy, and plain HTTP allowed (IMDS is a link-local HTTP endpoint). It needs no shutdown.
    ///   - apiVersion: The IMDS API version (default `2018-02-01`).
    ///   - options: Clock, cache, logger (its transport is not used for IMDS).
    /// - Throws: ``IdentityError`` `invalidConfiguration` for an unparseable endpoint.
    public init(
        identity: ManagedIdentityID = .systemAssigned,
        endpoint: URL? = nil,
        environment: [String: String] = [:],
        retryPolicy: IMDSRetryPolicy = .default,
        transport: (any HTTPTransport)? = nil,
        apiVersion: String = "2018-02-01",
        options: CredentialOptions = CredentialOptions()
    ) throws {
        if let endpoint {
            self.endpoint = endpoint
        } else if let host = environment["AZURE_POD_IDENTITY_AUTHORITY_HOST"], !host.isEmpty {
            var text = host
            while text.hasSuffix("/") { text.removeLast() }
            if !text.contains("://") { text = "http://" + text }
            guard let url = URL(string: text), url.host != nil else {
                throw IdentityError(code: .invalidConfiguration, credential: Self.name, message: "AZURE_POD_IDENTITY_AUTHORITY_HOST is not a valid URL")
            }
            self.endpoint = url
        } else {
            self.endpoint = Self.defaultEndpoint
        }
        self.identity = identity
        self.retry = retryPolicy
        self.transport = transport ?? AsyncHTTPClientTransport.instanceMetadata
        self.apiVersion = apiVersion
        self.options = options
        self.cache = options.resolvedCache()
    }

    /// Gets a token, from the cache when possible.
    /// - Parameter request: Exactly one scope; tenant and claims are ignored by IMDS.
    /// - Returns: The token.
    /// - Throws: ``IdentityError``: `identityNotFound`, `credentialUnavailable` (IMDS unreachable),
    ///   `authenticationFailed`, `transportFailed`.
    public func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        let resource = try AuthorityValidation.resource(fromScopes: request.scopes, credential: Self.name)
        let key = TokenCache.Key(credentialID: "imds|\(endpoint)|\(identity)", tenantID: nil, scopes: request.scopes)
        let this = self
        return try await cache.token(for: key) { try await this.fetch(resource: resource) }
    }

    private func tokenURL(resource: String) -> URL {
        var pairs: [(String, String)] = [("api-version", apiVersion), ("resource", resource)]
        switch identity {
        case .systemAssigned: break
        case .clientID(let id): pairs.append(("client_id", id))
        case .objectID(let id): pairs.append(("object_id", id))
        case .resourceID(let id): pairs.append(("msi_res_id", id))
        }
        return URL(string: endpoint.absoluteString + "/metadata/identity/oauth2/token?" + FormEncoding.encodeQuery(pairs))!
    }

    func fetch(resource: String) async throws -> AccessToken {
        let url = tokenURL(resource: resource)
        let endpointText = Redaction.endpoint(url)
        let clock = options.clock
        let logger = options.logger
        var headers = HTTPFields()
        headers[HTTPField.Name("Metadata")!] = "true"
        headers[.accept] = "application/json"
        let request = HTTPRequest(method: .get, targetURL: url, headerFields: headers)
        var transientRetries = 0
        var goneRetries = 0
        while true {
            try Task.checkCancellation()
            let requestTime = clock.now()
            var delay: Duration
            do {
                let response = try await transport.send(request, body: nil)
                let status = response.statusCode
                if status == 200 {
                    return try TokenResponseParser.parse(response, requestTime: requestTime, credential: Self.name, endpoint: endpointText, sensitive: [], logger: logger)
                }
                if status == 410 {
                    guard goneRetries < retry.maximumGoneRetries else {
                        throw TokenResponseParser.error(from: json(response.body), status: status, credential: Self.name, endpoint: endpointText, sensitive: [])
                    }
                    goneRetries += 1
                    delay = retry.goneDelay
                } else if status == 404 || status == 408 || status == 429 || (500...599).contains(status) {
                    guard transientRetries < retry.maximumRetries else {
                        throw TokenResponseParser.error(from: json(response.body), status: status, credential: Self.name, endpoint: endpointText, sensitive: [])
                    }
                    delay = RetryPolicy.serverRequestedDelay(response.response.headerFields, now: clock.now())
                        .map { min($0, retry.maximumServerRequestedDelay) }
                        ?? .milliseconds(Int64(retry.initialDelay.azureSeconds * 1000) << transientRetries)
                    transientRetries += 1
                } else if status == 400 {
                    throw identityError(json(response.body), status: status, endpoint: endpointText)
                } else {
                    var error = TokenResponseParser.error(from: json(response.body), status: status, credential: Self.name, endpoint: endpointText, sensitive: [])
                    if status == 403, error.message.lowercased().contains("unreachable") { error.code = .credentialUnavailable }
                    throw error
                }
                logger.debug("IMDS answered \(status); retrying", metadata: ["endpoint": "\(endpointText)", "delayMs": "\(Int(delay.azureSeconds * 1000))"])
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as AzureCoreError {
                guard transientRetries < retry.maximumRetries else {
                    throw IdentityError(
                        code: .credentialUnavailable, credential: Self.name,
                        message: "the managed identity endpoint is unreachable (\(error.code)\(error.underlying.map { ": \($0)" } ?? "")); is this running on Azure with a managed identity?",
                        endpoint: endpointText, underlying: error
                    )
                }
                delay = .milliseconds(Int64(retry.initialDelay.azureSeconds * 1000) << transientRetries)
                transientRetries += 1
                logger.debug("IMDS request failed; retrying", metadata: ["endpoint": "\(endpointText)", "error": "\(error.code)"])
            }
            try await clock.sleep(for: delay)
        }
    }

    private func json(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    private func identityError(_ object: [String: Any]?, status: Int, endpoint: String) -> IdentityError {
        let description = Redaction.serverText((object?["error_description"] as? String) ?? "")
        let lower = description.lowercased()
        if lower.contains("multiple user assigned identities") {
            return IdentityError(
                code: .identityNotFound, credential: Self.name,
                message: "IMDS: \(description). Several user-assigned identities are assigned to this VM or node pool: name the one to use with ManagedIdentityID (its client ID, object ID or resource ID)",
                oauthError: object?["error"] as? String, statusCode: status, endpoint: endpoint
            )
        }
        if lower.contains("identity not found") || lower.contains("no managed identity") || lower.contains("not found") {
            let fix: String
            switch identity {
            case .systemAssigned:
                fix = "no system-assigned identity is enabled here: enable one, or name a user-assigned identity by client ID"
            default:
                fix = "\(identity) is not assigned to this VM/VMSS/node pool: assign it, or use the client ID of an identity that is assigned (for AKS add-ons, the add-on's identity client ID)"
            }
            return IdentityError(
                code: .identityNotFound, credential: Self.name,
                message: "IMDS: \(description.isEmpty ? "identity not found" : description). \(fix)",
                oauthError: object?["error"] as? String, statusCode: status, endpoint: endpoint
            )
        }
        var error = TokenResponseParser.error(from: object, status: status, credential: Self.name, endpoint: endpoint, sensitive: [])
        error.code = .authenticationFailed
        return error
    }
}

extension ManagedIdentityCredential: CustomStringConvertible {
    /// The identity and endpoint.
    public var description: String { "ManagedIdentityCredential(identity: \(identity), endpoint: \(Redaction.endpoint(endpoint)))" }
}
