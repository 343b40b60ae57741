import AzureCore
import Foundation

enum FormEncoding {
    static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }

    static func encodeQuery(_ pairs: [(String, String)]) -> String { encode(pairs) }
}

/// Parses JSON numbers that may arrive as strings (IMDS, AADv1-style endpoints).
enum LenientNumber {
    /// The number, or `nil` when absent, not a number, or not finite (`"inf"`, `"nan"` from a hostile server).
    static func double(_ value: Any?) -> Double? {
        let number: Double?
        if let n = value as? NSNumber {
            number = n.doubleValue
        } else if let s = value as? String {
            number = Double(s.trimmingCharacters(in: .whitespaces))
        } else {
            number = nil
        }
        guard let number, number.isFinite else { return nil }
        return number
    }

    /// The number as an `Int` when it is integral and in range; never traps on `1e300`.
    static func integer(_ value: Any?) -> Int? {
        double(value).flatMap { Int(exactly: $0) }
    }
}

/// Validation and normalisation of tenants and authority hosts.
enum AuthorityValidation {
    static func validateTenant(_ tenant: String, credential: String) throws {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        guard !tenant.isEmpty, tenant.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw IdentityError(
                code: .invalidConfiguration, credential: credential,
                message: "the tenant ID '\(tenant)' is not valid: use letters, digits, '-' and '.' only"
            )
        }
    }

    /// Adds `https://` when no scheme is given, refuses other schemes except `http` to loopback, strips trailing `/`.
    static func normalizeAuthority(_ raw: String, credential: String) throws -> URL {
        var text = raw.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        if !text.contains("://") { text = "https://" + text }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw IdentityError(code: .invalidConfiguration, credential: credential, message: "the authority host '\(raw)' is not a valid URL")
        }
        guard scheme == "https" || (scheme == "http" && isLoopback(host)) else {
            throw IdentityError(code: .invalidConfiguration, credential: credential, message: "the authority host must use https")
        }
        return url
    }

    /// AzureCore's strict check: `localhost`, a dotted `127.x.y.z` literal or `::1` (not `127.example.com`).
    static func isLoopback(_ host: String) -> Bool {
        LoopbackAddress.isLoopback(host)
    }

    /// Whether a token endpoint may receive a client secret or assertion: HTTPS, or plain HTTP to loopback.
    static func isSecureEndpoint(_ url: URL) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return url.host?.isEmpty == false
        case "http": return url.host.map(isLoopback) ?? false
        default: return false
        }
    }

    static func resource(fromScopes scopes: [String], credential: String) throws -> String {
        guard scopes.count == 1, let scope = scopes.first, !scope.isEmpty else {
            throw IdentityError(code: .invalidConfiguration, credential: credential, message: "exactly one scope is required, got \(scopes.count)")
        }
        return scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
    }
}
