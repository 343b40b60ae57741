import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemListen = Glibc.listen
#else
private let systemListen = Darwin.listen
#endif

/// The provider's listening Unix domain socket: created with mode 0600 (umask 0077 while binding), after removing a
/// stale socket file left by a previous run; a path on which a live server still accepts connections is an error,
/// and so is a path that is not a socket.
public struct UnixSocketListener: Sendable {
    /// The socket path.
    public let path: String
    /// The listening descriptor (owned by the gRPC transport once handed over).
    public let descriptor: Int32

    /// Parses an endpoint such as `unix:///provider/azure.sock` (or `unix:/tmp/azure.sock`, or a bare path).
    /// - Parameter endpoint: The `--endpoint` value.
    /// - Returns: The socket path.
    /// - Throws: ``CSIProviderError`` `invalidEndpoint`.
    public static func path(fromEndpoint endpoint: String) throws(CSIProviderError) -> String {
        var path = endpoint
        if path.hasPrefix("unix://") {
            path = String(path.dropFirst("unix://".count))
        } else if path.hasPrefix("unix:") {
            path = String(path.dropFirst("unix:".count))
        } else if path.contains("://") {
            throw CSIProviderError(
                .invalidEndpoint, "--endpoint \(endpoint): only unix:// endpoints are served, for example unix:///provider/azure.sock"
            )
        }
        guard path.hasPrefix("/") else {
            throw CSIProviderError(.invalidEndpoint, "--endpoint \(endpoint): the socket path must be absolute")
        }
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw CSIProviderError(.invalidEndpoint, "--endpoint \(endpoint): the socket path is longer than a Unix socket allows (107 bytes)")
        }
        return path
    }

    /// Binds and listens on `path`.
    /// - Parameters:
    ///   - path: An absolute socket path.
    ///   - backlog: The listen backlog.
    /// - Returns: The listener.
    /// - Throws: ``CSIProviderError`` `socketInUse` or `socketFailed`.
    public static func listen(at path: String, backlog: Int32 = 128) throws(CSIProviderError) -> UnixSocketListener {
        try removeStaleSocket(at: path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("cannot create a Unix socket", path: path) }
        var address = Self.address(path)
        let previous = umask(0o077)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        let bindErrno = errno
        umask(previous)
        guard bound == 0 else {
            close(fd)
            errno = bindErrno
            throw failure("cannot bind the socket", path: path)
        }
        guard chmod(path, 0o600) == 0, systemListen(fd, backlog) == 0 else {
            let error = failure("cannot listen on the socket", path: path)
            close(fd)
            unlink(path)
            throw error
        }
        return UnixSocketListener(path: path, descriptor: fd)
    }

    /// Removes the socket file (at exit).
    public func removeSocketFile() {
        if Self.fileType(path) == .typeSocket { unlink(path) }
    }

    /// The type of the file at `path` without following a symbolic link, or nil when there is none.
    static func fileType(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    /// Whether a server accepts connections on `path`.
    public static func isServing(at path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = Self.address(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }

    private static func removeStaleSocket(at path: String) throws(CSIProviderError) {
        guard let type = fileType(path) else {
            let parent = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CSIProviderError(.socketFailed, "the socket directory \(parent) does not exist; create it or mount it (the DaemonSet mounts /var/run/secrets-store-csi-providers at /provider)")
            }
            return
        }
        guard type == .typeSocket else {
            throw CSIProviderError(.socketFailed, "\(path) exists and is not a socket; refusing to replace it")
        }
        if isServing(at: path) {
            throw CSIProviderError(
                .socketInUse, "\(path) is held by a live server (another provider is running); stop it or choose another --endpoint"
            )
        }
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("cannot remove the stale socket", path: path) }
    }

    private static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        return address
    }

    private static func failure(_ what: String, path: String) -> CSIProviderError {
        CSIProviderError(.socketFailed, "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
