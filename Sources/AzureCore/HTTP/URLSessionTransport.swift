import Foundation
import HTTPTypes
#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// An ``HTTPTransport`` on Foundation's `URLSession` (libcurl on Linux), for users who avoid SwiftNIO.
///
/// Limits on Linux (FoundationNetworking), which is why ``AsyncHTTPClientTransport`` is the default:
/// - no per-session custom CA: a private CA (like the test CA of `KeyVaultTesting`) must be installed in the
///   system trust store; there is no server-trust delegate evaluation;
/// - a `401` carrying `WWW-Authenticate: Basic` can hang the request on Swift 6.3.1 (corelibs-foundation #5456);
/// - proxies come from libcurl's own `https_proxy`/`no_proxy` handling, not from an injected environment;
/// - no response-size limit: `URLSession.data(for:)` buffers the whole body before it returns (the AsyncHTTPClient
///   transport stops reading past `maximumResponseBytes`);
/// - redirects are never followed: a 3xx is returned as it is (URLSession would follow it and, on Linux, send the
///   `Authorization` header to the new host).
/// Plain `http` is refused unless the host is loopback or ``init(session:requestTimeout:allowsInsecureHTTP:)`` allows it.
public struct URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let requestTimeout: Duration
    private let allowsInsecureHTTP: Bool

    /// The process-wide session behind the default transport: `URLSession.shared`'s configuration with a delegate
    /// that refuses redirects (never invalidated, like `URLSession.shared`).
    private static let sharedRedirectRefusingSession = URLSession(
        configuration: URLSession.shared.configuration, delegate: RedirectRefusingDelegate(), delegateQueue: nil
    )

    /// Creates a transport.
    ///
    /// Requests go through a session built from `session`'s configuration (timeouts, proxy, extra headers) whose
    /// delegate refuses redirects: on Linux a per-task delegate is not consulted, and `session`'s own delegate
    /// cannot be replaced. Create a transport once and reuse it (each custom session gives one internal session).
    /// - Parameters:
    ///   - session: The session whose configuration is used (default `URLSession.shared`).
    ///   - requestTimeout: Per-request timeout.
    ///   - allowsInsecureHTTP: Allow `http` to non-loopback hosts.
    public init(session: URLSession = .shared, requestTimeout: Duration = .seconds(60), allowsInsecureHTTP: Bool = false) {
        if session === URLSession.shared {
            self.session = Self.sharedRedirectRefusingSession
        } else {
            self.session = URLSession(
                configuration: session.configuration, delegate: RedirectRefusingDelegate(), delegateQueue: nil
            )
        }
        self.requestTimeout = requestTimeout
        self.allowsInsecureHTTP = allowsInsecureHTTP
    }

    /// Sends a request and reads the whole response.
    /// - Parameters:
    ///   - request: The request.
    ///   - body: The body, if any.
    /// - Returns: The response.
    /// - Throws: ``AzureCoreError`` (`insecureRequest`, `connectionFailed`, `timedOut`) with the `URLError` as
    ///   ``AzureCoreError/underlying``; `CancellationError` when the task is cancelled.
    public func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
        guard let url = request.targetURL, let host = request.targetHost else {
            throw AzureCoreError(code: .insecureRequest, message: "the request has no absolute URL")
        }
        let endpoint = Redaction.endpoint(url)
        if request.scheme?.lowercased() != "https" {
            guard request.scheme?.lowercased() == "http", allowsInsecureHTTP || LoopbackAddress.isLoopback(host) else {
                throw AzureCoreError(code: .insecureRequest, message: "refusing plain HTTP to a non-loopback host", endpoint: endpoint)
            }
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.timeoutInterval = requestTimeout.azureSeconds
        for field in request.headerFields {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name.rawName)
        }
        urlRequest.httpBody = body
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw AzureCoreError(code: .connectionFailed, message: "not an HTTP response", endpoint: endpoint)
            }
            var fields = HTTPFields()
            for (key, value) in http.allHeaderFields {
                if let name = HTTPField.Name("\(key)") { fields.append(HTTPField(name: name, value: "\(value)")) }
            }
            return HTTPTransportResponse(
                response: HTTPResponse(status: .init(code: http.statusCode), headerFields: fields),
                body: data
            )
        } catch let error as AzureCoreError {
            throw error
        } catch let error as URLError {
            switch error.code {
            case .cancelled:
                throw CancellationError()
            case .timedOut:
                throw AzureCoreError(code: .timedOut, message: "the request timed out", endpoint: endpoint, underlying: error)
            default:
                throw AzureCoreError(code: .connectionFailed, message: "the request failed", endpoint: endpoint, underlying: error)
            }
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw AzureCoreError(code: .connectionFailed, message: "the request failed", endpoint: endpoint, underlying: error)
        }
    }
}

/// Refuses every redirect of the task it is attached to, so that the 3xx response is returned to the caller and no
/// header (an `Authorization` bearer token) or body (a client secret) is sent to the redirect's target.
final class RedirectRefusingDelegate: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
