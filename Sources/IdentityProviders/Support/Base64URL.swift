import Foundation

enum Base64URL {
    static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ string: some StringProtocol) -> Data? {
        var s = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}

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
    static func double(_ value: Any?) -> Double? {
        if let n = value as? NSNumber { return n.doubleValue }
        if let s = value as? String { return Double(s.trimmingCharacters(in: .whitespaces)) }
        return nil
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

    static func isLoopback(_ host: String) -> Bool {
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }

    static func resource(fromScopes scopes: [String], credential: String) throws -> String {
        guard scopes.count == 1, let scope = scopes.first, !scope.isEmpty else {
            throw IdentityError(code: .invalidConfiguration, credential: credential, message: "exactly one scope is required, got \(scopes.count)")
        }
        return scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
    }
}
