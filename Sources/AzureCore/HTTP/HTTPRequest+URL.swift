import Foundation
public import HTTPTypes

extension HTTPRequest {
    /// Creates a request from a `URL` (scheme, authority, path and query taken from it).
    /// - Parameters:
    ///   - method: The method.
    ///   - targetURL: The absolute URL.
    ///   - headerFields: Header fields.
    public init(method: Method, targetURL: URL, headerFields: HTTPFields = [:]) {
        let components = URLComponents(url: targetURL, resolvingAgainstBaseURL: false)
        var authority = components?.percentEncodedHost ?? ""
        if authority.contains(":") && !authority.hasPrefix("[") { authority = "[\(authority)]" }
        if let port = components?.port { authority += ":\(port)" }
        var path = components?.percentEncodedPath ?? "/"
        if path.isEmpty { path = "/" }
        if let query = components?.percentEncodedQuery { path += "?" + query }
        self.init(method: method, scheme: components?.scheme ?? "https", authority: authority, path: path, headerFields: headerFields)
    }

    /// The absolute URL of the request (`scheme://authority/path?query`), or `nil` when incomplete.
    public var targetURL: URL? {
        guard let scheme, let authority else { return nil }
        return URL(string: "\(scheme)://\(authority)\(path ?? "/")")
    }

    /// The host of the authority, without port or IPv6 brackets.
    public var targetHost: String? {
        targetURL.flatMap { URLComponents(url: $0, resolvingAgainstBaseURL: false)?.host }
            .map { $0.hasPrefix("[") ? String($0.dropFirst().dropLast()) : $0 }
    }
}

/// Loopback checks shared by the transports.
public enum LoopbackAddress {
    /// Whether a host names the local machine: `localhost`, `127.0.0.0/8` or `::1`.
    /// - Parameter host: The host (brackets allowed).
    /// - Returns: `true` for a loopback host.
    public static func isLoopback(_ host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let octets = h.split(separator: ".")
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
