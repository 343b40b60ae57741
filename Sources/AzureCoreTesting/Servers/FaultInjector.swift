import Foundation
import HTTPTypes
import Hummingbird

/// A runtime-configurable source of faults for an emulator, plus request counters.
///
/// Install ``middleware(context:)`` on any Hummingbird router (the identity emulators and the Key Vault emulator
/// all do). Tests then script faults while the server runs: a fixed added latency, a queue of one-shot faults
/// (`410`, `429` with or without `Retry-After`, `500`, a dropped connection) consumed by matching requests in
/// order, or a persistent fault. Every request is counted by path and by the status it was answered with.
public actor FaultInjector {
    /// One injected behaviour.
    public enum Fault: Sendable, Hashable {
        /// Answer with this status, extra headers and an optional body instead of calling the handler.
        case status(Int, headers: [String: String] = [:], body: String? = nil)
        /// Send the response head and then close the connection without a body (the client sees a connection
        /// failure).
        case dropConnection
        /// Wait this long, then run the handler normally.
        case delay(Duration)
        /// Answer `200` with a JSON body sent one byte every `byteInterval` (a body that trickles in and never ends
        /// in time: the client's deadline must cover the body, not only the head).
        case trickle(byteInterval: Duration)
        /// Run the handler, send the first half of its body, then close the connection (a reset in the middle of
        /// the body).
        case resetMidBody

        /// `429 Too Many Requests`, with a `Retry-After` (seconds) when given.
        public static func throttled(retryAfterSeconds: Int? = nil) -> Fault {
            .status(429, headers: retryAfterSeconds.map { ["Retry-After": String($0)] } ?? [:], body: nil)
        }
    }

    private struct Scripted {
        var pathPrefix: String?
        var fault: Fault
    }

    private var latency: Duration?
    private var jitter: Duration = .zero
    private var queue: [Scripted] = []
    private var persistent: Scripted?
    private var countsByPath: [String: Int] = [:]
    private var countsByStatus: [Int: Int] = [:]
    private var countsByPathAndStatus: [String: [Int: Int]] = [:]
    private var faultsServed = 0

    /// Creates an injector with no faults.
    public init() {}

    /// Adds a latency before every request (or removes it with `nil`): fixed, or with `jitter` drawn uniformly from
    /// `latency - jitter ... latency + jitter` (never below zero) for each request.
    /// - Parameters:
    ///   - latency: The delay (the mean when `jitter` is set).
    ///   - jitter: The half-width of the uniform spread around it.
    public func setLatency(_ latency: Duration?, jitter: Duration = .zero) {
        self.latency = latency
        self.jitter = jitter
    }

    /// Appends one-shot faults; each matching request consumes the next one.
    /// - Parameters:
    ///   - faults: Faults in the order they should be served.
    ///   - pathPrefix: Only requests whose path starts with this prefix consume them (`nil`: any request).
    public func enqueue(_ faults: [Fault], pathPrefix: String? = nil) {
        queue.append(contentsOf: faults.map { Scripted(pathPrefix: pathPrefix, fault: $0) })
    }

    /// Serves a fault for every matching request until cleared (`nil`).
    /// - Parameters:
    ///   - fault: The fault, or `nil` to clear.
    ///   - pathPrefix: Only requests whose path starts with this prefix are affected.
    public func setPersistentFault(_ fault: Fault?, pathPrefix: String? = nil) {
        persistent = fault.map { Scripted(pathPrefix: pathPrefix, fault: $0) }
    }

    /// Clears all faults and counters.
    public func reset() {
        latency = nil
        jitter = .zero
        queue = []
        persistent = nil
        countsByPath = [:]
        countsByStatus = [:]
        countsByPathAndStatus = [:]
        faultsServed = 0
    }

    /// The number of requests seen whose path starts with a prefix.
    /// - Parameter pathPrefix: The prefix (`"/"` for all).
    /// - Returns: The count.
    public func requestCount(pathPrefix: String = "/") -> Int {
        countsByPath.filter { $0.key.hasPrefix(pathPrefix) }.reduce(0) { $0 + $1.value }
    }

    /// The number of requests answered with a status, optionally restricted to a path prefix.
    /// - Parameters:
    ///   - status: The status code.
    ///   - pathPrefix: The path prefix (`nil`: any path).
    /// - Returns: The count.
    public func responseCount(status: Int, pathPrefix: String? = nil) -> Int {
        guard let pathPrefix else { return countsByStatus[status] ?? 0 }
        return countsByPathAndStatus.filter { $0.key.hasPrefix(pathPrefix) }.reduce(0) { $0 + ($1.value[status] ?? 0) }
    }

    /// The number of faults served so far (scripted or persistent, excluding added latency).
    public var injectedFaultCount: Int { faultsServed }

    /// The number of one-shot faults not yet consumed.
    public var pendingFaultCount: Int { queue.count }

    /// A Hummingbird middleware applying this injector.
    /// - Parameter context: The router's request context type.
    /// - Returns: The middleware, to add with `router.add(middleware:)`.
    public nonisolated func middleware<Context: RequestContext>(
        context: Context.Type = BasicRequestContext.self
    ) -> FaultInjectionMiddleware<Context> {
        FaultInjectionMiddleware(injector: self)
    }

    // MARK: Used by the middleware

    fileprivate func begin(path: String) -> (Duration?, Fault?) {
        countsByPath[path, default: 0] += 1
        var fault: Fault?
        if let index = queue.firstIndex(where: { matches($0, path) }) {
            fault = queue.remove(at: index).fault
        } else if let persistent, matches(persistent, path) {
            fault = persistent.fault
        }
        if fault != nil { faultsServed += 1 }
        guard let latency, jitter > .zero else { return (latency, fault) }
        let spread = Double(jitter.components.seconds) + Double(jitter.components.attoseconds) / 1e18
        let drawn = latency + .milliseconds(Int64((Double.random(in: -spread...spread) * 1000).rounded()))
        return (max(.zero, drawn), fault)
    }

    fileprivate func end(path: String, status: Int) {
        countsByStatus[status, default: 0] += 1
        countsByPathAndStatus[path, default: [:]][status, default: 0] += 1
    }

    private func matches(_ scripted: Scripted, _ path: String) -> Bool {
        scripted.pathPrefix.map { path.hasPrefix($0) } ?? true
    }
}

/// The Hummingbird middleware created by ``FaultInjector/middleware(context:)``.
public struct FaultInjectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let injector: FaultInjector

    /// Applies latency and faults, then counts the response.
    /// - Parameters:
    ///   - request: The request.
    ///   - context: The request context.
    ///   - next: The rest of the chain.
    /// - Returns: The handler's response or the injected one.
    /// - Throws: What the handler throws.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let (latency, fault) = await injector.begin(path: path)
        if let latency { try await Task.sleep(for: latency) }
        switch fault {
        case .status(let code, let headers, let body)?:
            var fields = HTTPFields()
            for (name, value) in headers {
                if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
            }
            let bytes = body ?? #"{"error":{"code":"InjectedFault","message":"fault injected by the test"}}"#
            if fields[.contentType] == nil { fields[.contentType] = "application/json" }
            await injector.end(path: path, status: code)
            return Response(
                status: HTTPResponse.Status(code: code),
                headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(string: bytes))
            )
        case .dropConnection?:
            await injector.end(path: path, status: 0)
            return Response(
                status: .ok,
                headers: [:],
                body: ResponseBody { _ in throw EmulatorError(code: .invalidConfiguration, message: "connection dropped by fault injection") }
            )
        case .delay(let duration)?:
            try await Task.sleep(for: duration)
        case .trickle(let interval)?:
            await injector.end(path: path, status: 200)
            let filler = Array(#"{"value":"trickled body that arrives one byte at a time and is never complete in time"}"#.utf8)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .contentLength: String(filler.count)],
                body: ResponseBody { writer in
                    for byte in filler {
                        try await writer.write(ByteBuffer(bytes: [byte]))
                        try await Task.sleep(for: interval)
                    }
                    try await writer.finish(nil)
                }
            )
        case .resetMidBody?:
            let response = try await next(request, context)
            let collector = CollectingBodyWriter()
            try await response.body.write(collector)
            let bytes = collector.bytes
            await injector.end(path: path, status: 0)
            var headers = response.headers
            headers[.contentLength] = String(bytes.count)
            return Response(
                status: response.status,
                headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(bytes: bytes.prefix(bytes.count / 2)))
                    throw EmulatorError(code: .invalidConfiguration, message: "connection reset mid-body by fault injection")
                }
            )
        case nil:
            break
        }
        do {
            let response = try await next(request, context)
            await injector.end(path: path, status: response.status.code)
            return response
        } catch let error as HTTPError {
            await injector.end(path: path, status: error.status.code)
            throw error
        } catch {
            await injector.end(path: path, status: 500)
            throw error
        }
    }
}

/// Collects a response body's bytes (for ``FaultInjector/Fault/resetMidBody``).
final class CollectingBodyWriter: ResponseBodyWriter, @unchecked Sendable {
    /// The bytes written so far (one writer, used by one task).
    private(set) var bytes: [UInt8] = []
    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
