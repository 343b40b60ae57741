import Foundation

/// A parsed Key Vault bearer challenge (`WWW-Authenticate: Bearer authorization="…", resource="…"`).
public struct AuthenticationChallenge: Sendable, Hashable {
    /// The authorization server URI (`authorization` or `authorization_uri`).
    public var authorizationURI: String?
    /// The `resource` parameter.
    public var resource: String?
    /// The `scope` parameter.
    public var scope: String?
    /// A CAE claims challenge (decoded from base64url), when `claims` is present.
    public var claims: String?
    /// The `error` parameter (`insufficient_claims` for a CAE challenge).
    public var error: String?

    /// Creates a challenge.
    /// - Parameters:
    ///   - authorizationURI: The authorization URI.
    ///   - resource: The resource.
    ///   - scope: The scope.
    ///   - claims: Decoded claims.
    ///   - error: The error parameter.
    public init(
        authorizationURI: String?, resource: String?, scope: String? = nil, claims: String? = nil,
        error: String? = nil
    ) {
        self.authorizationURI = authorizationURI
        self.resource = resource
        self.scope = scope
        self.claims = claims
        self.error = error
    }

    /// Parses one `WWW-Authenticate` value.
    /// - Parameter header: The header value.
    /// - Returns: The challenge, or `nil` when it is not a Bearer challenge with a scope or resource.
    public init?(header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }),
              trimmed[..<space].lowercased() == "bearer"
        else { return nil }
        let parameters = Self.parameters(String(trimmed[space...]))
        authorizationURI = parameters["authorization"] ?? parameters["authorization_uri"]
        resource = parameters["resource"]
        scope = parameters["scope"]
        error = parameters["error"]
        claims = parameters["claims"].flatMap { Base64Text.decodeLenient($0) }.map { String(decoding: $0, as: UTF8.self) }
        guard (scope?.isEmpty == false) || (resource?.isEmpty == false) else { return nil }
    }

    /// The scope to request a token for: `scope`, or `resource` + `/.default`.
    public var tokenScope: String {
        let base = (scope?.isEmpty == false ? scope : resource) ?? ""
        return base.hasSuffix("/.default") ? base : base + "/.default"
    }

    /// The domain tokens may be sent to: the host of the scope (`vault.azure.net`).
    public var resourceDomain: String? {
        let base = (scope?.isEmpty == false ? scope : resource) ?? ""
        return URLComponents(string: base)?.host?.lowercased()
    }

    /// The tenant: the first path segment of the authorization URI with commas removed (the Go SDK's rule), or
    /// `nil` for ADFS or when there is none.
    public var tenantID: String? {
        guard let authorizationURI, let components = URLComponents(string: authorizationURI) else { return nil }
        let segments = components.path.split(separator: "/").map(String.init)
        guard let first = segments.first else { return nil }
        let tenant = first.replacingOccurrences(of: ",", with: "")
        if tenant.lowercased() == "adfs" || tenant.isEmpty { return nil }
        return tenant
    }

    /// Splits `key="value", key2=value2` (commas and/or spaces between parameters, quotes optional).
    static func parameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var characters = Substring(text)
        func skipSeparators() {
            while let first = characters.first, first == " " || first == "," || first == "\t" {
                characters.removeFirst()
            }
        }
        skipSeparators()
        while !characters.isEmpty {
            guard let equals = characters.firstIndex(of: "=") else { break }
            let key = characters[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            characters = characters[characters.index(after: equals)...]
            while characters.first == " " { characters.removeFirst() }
            var value = ""
            if characters.first == "\"" {
                characters.removeFirst()
                while let character = characters.first, character != "\"" {
                    characters.removeFirst()
                    if character == "\\", let escaped = characters.first {
                        characters.removeFirst()
                        value.append(escaped)
                    } else {
                        value.append(character)
                    }
                }
                if !characters.isEmpty { characters.removeFirst() }
            } else {
                while let character = characters.first, character != ",", character != " " {
                    value.append(character)
                    characters.removeFirst()
                }
            }
            if !key.isEmpty, result[key] == nil { result[key] = value }
            skipSeparators()
        }
        return result
    }
}
