import CSIProvider
import Foundation
import Testing

/// The socket's start rules: endpoints, a stale socket removed, a live one refused, a non-socket refused, mode 0600.
@Suite struct UnixSocketListenerTests {
    @Test func endpointForms() throws {
        #expect(try UnixSocketListener.path(fromEndpoint: "unix:///provider/azure.sock") == "/provider/azure.sock")
        #expect(try UnixSocketListener.path(fromEndpoint: "unix:/tmp/azure.sock") == "/tmp/azure.sock")
        #expect(try UnixSocketListener.path(fromEndpoint: "/tmp/azure.sock") == "/tmp/azure.sock")
        for bad in ["tcp://127.0.0.1:1234", "unix://relative.sock", "unix:///" + String(repeating: "a", count: 120)] {
            #expect(throws: CSIProviderError.self, "\(bad)") { try UnixSocketListener.path(fromEndpoint: bad) }
        }
    }

    @Test func staleSocketIsReplacedAndLiveOneRefused() throws {
        let directory = try CSIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("azure.sock").path

        // A live listener: a second start must fail and leave it alone.
        let first = try UnixSocketListener.listen(at: path)
        #expect(UnixSocketListener.isServing(at: path))
        let error = #expect(throws: CSIProviderError.self) { try UnixSocketListener.listen(at: path) }
        #expect(error?.code == .socketInUse)
        #expect(error?.message.contains("live server") == true)
        #expect(UnixSocketListener.isServing(at: path), "the live server's socket is untouched")

        // The process dies without removing its socket: the file stays, nobody listens.
        close(first.descriptor)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(!UnixSocketListener.isServing(at: path))
        let second = try UnixSocketListener.listen(at: path)
        defer { close(second.descriptor); second.removeSocketFile() }
        #expect(UnixSocketListener.isServing(at: path))
        #expect(FileMode.of(path) == 0o600)
    }

    @Test func aFileThatIsNotASocketIsNeverReplaced() throws {
        let directory = try CSIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("azure.sock").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CSIProviderError.self) { try UnixSocketListener.listen(at: path) }
        #expect(error?.message.contains("not a socket") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test func missingDirectoryIsNamed() throws {
        let error = #expect(throws: CSIProviderError.self) { try UnixSocketListener.listen(at: "/nonexistent-\(UUID().uuidString)/azure.sock") }
        #expect(error?.message.contains("does not exist") == true)
    }
}
