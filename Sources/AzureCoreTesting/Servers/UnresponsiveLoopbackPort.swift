#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port on 127.0.0.1 that never completes a connection, for connect-timeout tests.
///
/// The port is a listening socket with a backlog of zero that is never accepted from; a few connections are
/// opened to it first so that its accept queue is full. The kernel then drops every further `SYN`, so a client's
/// connect hangs until its own connect timeout fires, exactly as when a host (for example IMDS off Azure) does not
/// answer. Nothing leaves the machine.
public enum UnresponsiveLoopbackPort {
    /// How many connections are opened to fill the accept queue.
    static let fillers = 4

    /// Runs a body with such a port and closes every socket afterwards.
    /// - Parameter body: Code given the port number.
    /// - Returns: The body's result.
    /// - Throws: ``EmulatorError`` `serverStartFailed` when a socket call fails, or what the body throws.
    public static func with<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        let listener = try makeSocket()
        sockets.append(listener)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        try check(withSockaddr(&address) { bind(listener, $0, $1) }, "bind")
        try check(listen(listener, 0), "listen")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try check(withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }, "getsockname")
        for _ in 0..<fillers {
            let filler = try makeSocket()
            sockets.append(filler)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL, 0) | O_NONBLOCK)
            let result = withSockaddr(&address) { connect(filler, $0, $1) }
            if result != 0 && errno != EINPROGRESS {
                throw EmulatorError(code: .serverStartFailed, message: "connect to the unresponsive port failed (errno \(errno))")
            }
        }
        // Let the loopback handshakes of the fillers settle so that the queue is full before the body connects.
        try await Task.sleep(for: .milliseconds(200))
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    private static func makeSocket() throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try check(descriptor, "socket")
        return descriptor
    }

    private static func withSockaddr(_ address: inout sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    private static func check(_ result: Int32, _ call: String) throws {
        if result < 0 {
            throw EmulatorError(code: .serverStartFailed, message: "\(call) failed for the unresponsive port (errno \(errno))")
        }
    }
}
