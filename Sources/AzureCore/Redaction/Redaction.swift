import Foundation
import HTTPTypes

/// Helpers that keep tokens, assertions and secrets out of logs, descriptions and errors.
public enum Redaction {
    /// The text printed in place of a sensitive value.
    public static let placeholder = "<redacted>"

    /// Header fields whose values are always redacted.
    public static let sensitiveHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-identity-header", "secret",
        "x-ms-authorization-auxiliary",
    ]

    /// Form or query parameter names whose values are always redacted.
    public static let sensitiveParameterNames: Set<String> = [
        "client_secret", "client_assertion", "assertion", "access_token", "refresh_token", "id_token", "password",
        "code", "sig", "signature", "token",
    ]

    /// Reduces a URL to `scheme://host[:port]/path`, dropping user info, query and fragment.
    /// - Parameter url: The URL.
    /// - Returns: A string safe to log or put in an error.
    public static func endpoint(_ url: URL) -> String {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return placeholder }
        var safe = URLComponents()
        safe.scheme = components.scheme
        safe.host = components.host
        safe.port = components.port
        safe.percentEncodedPath = components.percentEncodedPath
        return safe.string ?? placeholder
    }

    /// Reduces a request to `METHOD scheme://authority/path` without the query.
    /// - Parameter request: The request.
    /// - Returns: A string safe to log.
    public static func endpoint(_ request: HTTPRequest) -> String {
        let path = (request.path ?? "/").split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        return "\(request.scheme ?? "https")://\(request.authority ?? "")\(path)"
    }

    /// Header fields with the sensitive values replaced by ``placeholder``.
    /// - Parameter fields: The fields.
    /// - Returns: `name: value` pairs, safe to log.
    public static func headers(_ fields: HTTPFields) -> [String: String] {
        var result: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName
            result[name] = sensitiveHeaderNames.contains(name) ? placeholder : field.value
        }
        return result
    }

    /// A `application/x-www-form-urlencoded` body or query string with sensitive values replaced.
    /// - Parameter form: The encoded form.
    /// - Returns: The same pairs with sensitive values redacted.
    public static func form(_ form: String) -> String {
        form.split(separator: "&").map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let name = parts.first else { return String(pair) }
            let decodedName = String(name).removingPercentEncoding?.lowercased() ?? String(name).lowercased()
            return sensitiveParameterNames.contains(decodedName) ? "\(name)=\(placeholder)" : String(pair)
        }.joined(separator: "&")
    }

    /// Replaces every occurrence of the given sensitive strings in a text (for messages built from server
    /// responses that might echo a value back).
    /// - Parameters:
    ///   - text: The text.
    ///   - secrets: Values that must not appear; empty strings are ignored.
    /// - Returns: The text with each value replaced by ``placeholder``.
    public static func scrub(_ text: String, removing secrets: [String]) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: placeholder)
        }
        return result
    }

    /// Replaces anything that looks like a JWT (three base64url segments starting with `eyJ`) in a text.
    /// - Parameter text: The text.
    /// - Returns: The text with JWT-shaped substrings replaced.
    public static func scrubJWTs(_ text: String) -> String {
        guard text.contains("eyJ") else { return text }
        let pattern = #"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        let range = NSRange(text.startIndex..., in: text)
        return regex.stringByReplacingMatches(in: text, range: range, withTemplate: placeholder)
    }
}
