import AzureCore
import Foundation

/// Where a workload identity credential gets the Kubernetes service-account token it exchanges.
public struct FederatedTokenSource: Sendable {
    enum Kind: Sendable {
        case file(FederatedTokenFile)
        case closure(@Sendable () async throws -> String)
        case csiTokens(String, audience: String)
    }

    let kind: Kind

    /// The projected token file (`AZURE_FEDERATED_TOKEN_FILE`), re-read when the copy in memory is older than
    /// `maximumAge` (10 minutes) and on the next exchange after Entra rejected an assertion.
    /// - Parameters:
    ///   - path: The file path.
    ///   - maximumAge: Re-read interval (default 10 min).
    ///   - clock: The clock deciding the file's age.
    /// - Returns: The source.
    public static func file(path: String, maximumAge: Duration = .seconds(600), clock: any AzureClock = SystemClock()) -> FederatedTokenSource {
        FederatedTokenSource(kind: .file(FederatedTokenFile(path: path, maximumAge: maximumAge, clock: clock)))
    }

    /// A caller-supplied function returning the current token (called on every exchange).
    /// - Parameter provider: The function.
    /// - Returns: The source.
    public static func closure(_ provider: @escaping @Sendable () async throws -> String) -> FederatedTokenSource {
        FederatedTokenSource(kind: .closure(provider))
    }

    /// The CSI driver's `csi.storage.k8s.io/serviceAccount.tokens` attribute: a JSON object keyed by audience whose
    /// values hold `token` and `expirationTimestamp`.
    /// - Parameters:
    ///   - json: The attribute value.
    ///   - audience: The audience to use (default `api://AzureADTokenExchange`).
    /// - Returns: The source.
    public static func csiServiceAccountTokens(_ json: String, audience: String = "api://AzureADTokenExchange") -> FederatedTokenSource {
        FederatedTokenSource(kind: .csiTokens(json, audience: audience))
    }

    func token(credential: String) async throws -> String {
        switch kind {
        case .file(let file):
            return try await file.read(credential: credential)
        case .closure(let provider):
            let value = try await provider()
            guard !value.isEmpty else {
                throw IdentityError(code: .invalidConfiguration, credential: credential, message: "the federated token provider returned an empty token")
            }
            return value
        case .csiTokens(let json, let audience):
            guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
                throw IdentityError(code: .invalidConfiguration, credential: credential, message: "the serviceAccount.tokens attribute is not a JSON object")
            }
            guard let entry = object[audience] as? [String: Any], let token = entry["token"] as? String, !token.isEmpty else {
                throw IdentityError(
                    code: .invalidConfiguration, credential: credential,
                    message: "the serviceAccount.tokens attribute has no token for audience '\(audience)'; set tokenRequests audience '\(audience)' on the CSIDriver object"
                )
            }
            return token
        }
    }

    func rejected() async {
        if case .file(let file) = kind { await file.invalidate() }
    }

    /// The proof part of a token cache key: the file path (the same file is the same proof), a tag of the CSI
    /// attribute and audience, or a fresh identifier for a closure (whose tokens cannot be told apart in advance).
    var cacheIdentity: String {
        switch kind {
        case .file(let file): return "file:" + file.path
        case .closure: return "closure:" + UUID().uuidString
        case .csiTokens(let json, let audience): return "csi:" + ProofFingerprint.of(audience + "\u{0}" + json)
        }
    }

    var path: String? {
        if case .file(let file) = kind { return file.path }
        return nil
    }
}

/// The token file with its re-read policy.
actor FederatedTokenFile {
    nonisolated let path: String
    private let maximumAge: Duration
    private let clock: any AzureClock
    private var cached: String?
    private var readAt: Date?

    init(path: String, maximumAge: Duration, clock: any AzureClock) {
        self.path = path
        self.maximumAge = maximumAge
        self.clock = clock
    }

    func read(credential: String) throws -> String {
        let now = clock.now()
        if let cached, let readAt, now.timeIntervalSince(readAt) < maximumAge.azureSeconds {
            return cached
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError(code: .invalidConfiguration, credential: credential, message: "cannot read the federated token file \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw IdentityError(code: .invalidConfiguration, credential: credential, message: "the federated token file \(path) is empty")
        }
        cached = token
        readAt = now
        return token
    }

    func invalidate() {
        cached = nil
        readAt = nil
    }
}

extension FederatedTokenSource: CustomStringConvertible, CustomReflectable {
    /// Where the token comes from (the file path, a closure, or the CSI attribute's audience); never the token.
    public var description: String {
        switch kind {
        case .file(let file): return "file(\(file.path))"
        case .closure: return "closure"
        case .csiTokens(_, let audience): return "csiServiceAccountTokens(audience: \(audience))"
        }
    }

    /// A mirror without the token (the CSI attribute holds it in the clear), so `dump` never shows it.
    public var customMirror: Mirror { Mirror(self, children: ["source": description], displayStyle: .struct) }
}

extension FederatedTokenFile: CustomReflectable {
    /// A mirror with the path only: the cached token is never reflected.
    nonisolated var customMirror: Mirror { Mirror(self, children: ["path": path], displayStyle: .class) }
}
