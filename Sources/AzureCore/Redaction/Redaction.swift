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
    /// responses that might echo a value back), in their literal form and in the forms a server may echo:
    /// percent-encoded (as in a form body or a query, with upper- or lower-case hex, `+` or `%20` for a space) and
    /// JSON-escaped.
    /// - Parameters:
    ///   - text: The text.
    ///   - secrets: Values that must not appear; values shorter than 4 characters are ignored.
    /// - Returns: The text with each value replaced by ``placeholder``.
    public static func scrub(_ text: String, removing secrets: [String]) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            for form in encodedForms(of: secret) where result.contains(form) {
                result = result.replacingOccurrences(of: form, with: placeholder)
            }
        }
        return result
    }

    /// A value as a server may echo it back: literal, percent-encoded (form and URL styles, either hex case) and
    /// JSON-escaped. The longest forms come first, so a form that contains another is replaced whole.
    static func encodedForms(of secret: String) -> [String] {
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        unreserved.insert(charactersIn: "-._~")
        var forms: Set<String> = [secret]
        if let encoded = secret.addingPercentEncoding(withAllowedCharacters: unreserved) {
            forms.insert(encoded)
            forms.insert(lowercasingPercentEscapes(encoded))
            forms.insert(encoded.replacingOccurrences(of: "%20", with: "+"))
            forms.insert(lowercasingPercentEscapes(encoded).replacingOccurrences(of: "%20", with: "+"))
        }
        if let query = secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { forms.insert(query) }
        let json = secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "/", with: "\\/")
            .replacingOccurrences(of: "\"", with: "\\\"")
        forms.insert(json)
        return forms.sorted { $0.count > $1.count }
    }

    private static func lowercasingPercentEscapes(_ text: String) -> String {
        var result = ""
        var pending = 0
        for character in text {
            if character == "%" { pending = 2; result.append(character); continue }
            if pending > 0 { pending -= 1; result += character.lowercased(); continue }
            result.append(character)
        }
        return result
    }

    /// Makes a text that came from a server safe to print and to log: secrets (in every encoded form) and anything
    /// token-shaped are replaced by ``placeholder``, control characters are escaped (so a newline or an ANSI escape
    /// cannot forge a line or recolour a terminal), and the text is cut to `maximumLength` characters.
    ///
    /// Token-shaped means: a JWT (`eyJ...`), the value after `Bearer `, and any run of 40 or more base64 or
    /// base64url characters (access tokens, client assertions, signatures). Identifiers a user needs (object names,
    /// 32-character versions, GUIDs, AADSTS codes) are shorter and stay.
    /// - Parameters:
    ///   - text: The server's text (an error message, an `error_description`, an identifier).
    ///   - secrets: Values known to be secret for this request (a client secret, an assertion).
    ///   - maximumLength: The longest result, in characters (default 1,000).
    /// - Returns: The safe text.
    public static func serverText(_ text: String, removing secrets: [String] = [], maximumLength: Int = 1000) -> String {
        var result = scrubJWTs(scrub(text, removing: secrets))
        result = replacing(#"(?i)(bearer|pop)(\s+|%20|\+)[^\s"',;]+"#, in: result, with: "$1$2" + placeholder)
        result = replacingTokenShapedRuns(in: result)
        result = escapingControlCharacters(result)
        if result.count > maximumLength { result = String(result.prefix(maximumLength)) + "…" }
        return result
    }

    /// Escapes C0 and C1 control characters, DEL and the Unicode bidirectional overrides as `\n`, `\r`, `\t` or
    /// `\u{XX}`; everything else is kept.
    /// - Parameter text: The text.
    /// - Returns: The escaped text, one line.
    public static func escapingControlCharacters(_ text: String) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F
        }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { result.append(scalar); continue }
            let escaped: String
            switch scalar {
            case "\n": escaped = "\\n"
            case "\r": escaped = "\\r"
            case "\t": escaped = "\\t"
            default: escaped = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            result.append(contentsOf: escaped.unicodeScalars)
        }
        return String(result)
    }

    /// Replaces runs of 40 or more base64/base64url characters that look random: upper case, lower case and
    /// digits all present, and at most three `-` (hyphenated object names stay).
    private static func replacingTokenShapedRuns(in text: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: #"[A-Za-z0-9+/_\-]{40,}={0,2}"#) else { return text }
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard !matches.isEmpty else { return text }
        var result = ""
        var cursor = text.startIndex
        for match in matches {
            guard let range = Range(match.range, in: text) else { continue }
            let run = text[range]
            // A path ("/secrets/name/version") has many slashes and is judged piece by piece; standard base64
            // has one in 64 characters on average and is judged whole.
            let slashes = run.filter { $0 == "/" }.count
            let pieces = slashes * 20 > run.count ? run.split(separator: "/") : [run]
            let looksRandom = pieces.contains { piece in
                piece.count >= 40 && piece.contains(where: \.isUppercase) && piece.contains(where: \.isLowercase)
                    && piece.contains(where: \.isNumber) && piece.filter { $0 == "-" }.count <= 3
            }
            guard looksRandom else { continue }
            result += text[cursor..<range.lowerBound]
            result += placeholder
            cursor = range.upperBound
        }
        result += text[cursor...]
        return result
    }

    private static func replacing(_ pattern: String, in text: String, with template: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        return regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
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
