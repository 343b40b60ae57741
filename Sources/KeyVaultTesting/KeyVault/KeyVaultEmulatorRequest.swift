import Foundation
public import HTTPTypes

/// One HTTP request as the Key Vault emulator sees it, independent of the server that carried it.
///
/// The Hummingbird glue builds one per request; tests can build them directly and call
/// ``KeyVaultEmulator/handle(_:vault:)`` without a socket.
public struct KeyVaultEmulatorRequest: Sendable {
    /// The HTTP method.
    public var method: HTTPRequest.Method
    /// The path, without the query (for example `/secrets/name/`).
    public var path: String
    /// The query parameters, decoded (`api-version`, `maxresults`, `$skiptoken`, ...).
    public var query: [String: String]
    /// The header fields.
    public var headerFields: HTTPFields
    /// The body bytes.
    public var body: Data
    /// The authority the client addressed (`host:port`), used to build object IDs and `nextLink`.
    public var authority: String

    /// Creates a request.
    /// - Parameters:
    ///   - method: The method.
    ///   - pathAndQuery: The request target, for example `/secrets/a/?api-version=7.6`.
    ///   - headerFields: The header fields.
    ///   - body: The body.
    ///   - authority: The authority (`host:port`) the client used.
    public init(
        method: HTTPRequest.Method, pathAndQuery: String, headerFields: HTTPFields = [:], body: Data = Data(),
        authority: String
    ) {
        self.method = method
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = parts.first.map { String($0) }.flatMap { $0.removingPercentEncoding } ?? "/"
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[0])
                let value = kv.count > 1
                    ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1]))
                    : ""
                query[key.lowercased()] = value
            }
        }
        self.query = query
        self.headerFields = headerFields
        self.body = body
        self.authority = authority
    }
}
