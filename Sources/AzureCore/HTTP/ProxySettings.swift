import Foundation

/// Proxy settings taken from `HTTPS_PROXY`/`https_proxy` and `NO_PROXY`/`no_proxy` (curl conventions).
public struct ProxySettings: Sendable, Hashable {
    /// The proxy host.
    public var host: String
    /// The proxy port.
    public var port: Int
    /// `NO_PROXY` entries: host names (a leading `.` or `*.` matches subdomains), IP literals, or `*`.
    public var noProxy: [String]

    /// Creates proxy settings.
    /// - Parameters:
    ///   - host: Proxy host.
    ///   - port: Proxy port.
    ///   - noProxy: Hosts that bypass the proxy.
    public init(host: String, port: Int, noProxy: [String] = []) {
        self.host = host
        self.port = port
        self.noProxy = noProxy
    }

    /// Reads `HTTPS_PROXY` (or `https_proxy`) and `NO_PROXY` (or `no_proxy`) from an environment dictionary.
    /// - Parameter environment: The environment (inject `ProcessInfo.processInfo.environment` in production).
    /// - Returns: The settings, or `nil` when no proxy is set.
    /// - Throws: ``AzureCoreError`` `invalidConfiguration` for an unparseable proxy URL.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ProxySettings? {
        guard let raw = environment["HTTPS_PROXY"] ?? environment["https_proxy"], !raw.isEmpty else { return nil }
        let withScheme = raw.contains("://") ? raw : "http://" + raw
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw AzureCoreError(code: .invalidConfiguration, message: "HTTPS_PROXY is not a valid proxy URL")
        }
        guard components.scheme == "http" else {
            throw AzureCoreError(code: .invalidConfiguration, message: "HTTPS_PROXY must use an http:// proxy (CONNECT)")
        }
        let noProxy = (environment["NO_PROXY"] ?? environment["no_proxy"] ?? "")
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        return ProxySettings(host: host, port: components.port ?? 80, noProxy: noProxy)
    }

    /// Whether a request to a host must bypass the proxy.
    /// - Parameter host: The target host.
    /// - Returns: `true` when `NO_PROXY` matches the host (loopback always bypasses).
    public func bypasses(host: String) -> Bool {
        let h = host.lowercased()
        if LoopbackAddress.isLoopback(h) { return true }
        for entry in noProxy {
            if entry == "*" { return true }
            var domain = entry
            if domain.hasPrefix("*.") { domain.removeFirst(1) }
            if let colon = domain.lastIndex(of: ":"), !domain.contains("]"), domain.filter({ $0 == ":" }).count == 1 {
                domain = String(domain[..<colon])
            }
            if domain.hasPrefix(".") {
                if h.hasSuffix(domain) || h == String(domain.dropFirst()) { return true }
            } else if h == domain || h.hasSuffix("." + domain) {
                return true
            }
        }
        return false
    }
}
