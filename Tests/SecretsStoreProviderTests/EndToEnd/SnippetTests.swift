import Foundation
import Testing

/// The README's Swift code is the package's `Snippets/` (compiled by every `swift build`), verbatim, and every
/// snippet runs: against the emulators it starts itself, or, for the Azure one, up to its usage check (the tests
/// reach no Azure host).
@Suite(.serialized) struct SnippetTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The README's blocks marked `<!-- snippet: Snippets/<name>.swift -->`, by file.
    static func readmeBlocks() throws -> [String: String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String: String] = [:]
        var lines = readme.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix("<!-- snippet: "), line.hasSuffix(" -->") else { continue }
            let path = String(line.dropFirst("<!-- snippet: ".count).dropLast(" -->".count))
            guard lines.popFirst() == "```swift" else { continue }
            var body: [Substring] = []
            while let next = lines.popFirst(), next != "```" { body.append(next) }
            blocks[path] = body.joined(separator: "\n") + "\n"
        }
        return blocks
    }

    @Test func readmeBlocksAreTheSnippetsVerbatim() throws {
        let blocks = try Self.readmeBlocks()
        let snippets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Snippets").path)
            .filter { $0.hasSuffix(".swift") }.map { "Snippets/\($0)" }.sorted()
        #expect(blocks.keys.sorted() == snippets, "every snippet is in the README, and nothing else is marked")
        for path in snippets {
            let file = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            #expect(blocks[path] == file, "README block for \(path) differs from the file")
        }
    }

    static func run(_ snippet: String, environment: [String: String] = [:]) async throws -> AKVMountCommandTests.Run {
        var env = ProcessInfo.processInfo.environment
        env["KEY_VAULT_URL"] = nil
        env.merge(environment) { $1 }
        return try await AKVMountCommandTests.run([], environment: env, executable: snippet)
    }

    @Test func keyVaultClientOnEmulators() async throws {
        let run = try await Self.run("KeyVaultClientOnEmulators")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "ExampleSecret = MyAKSExampleSecret\nno-such-secret: not found (HTTP 404)\n")
    }

    @Test func keyVaultClientOnAzureChecksItsInputsFirst() async throws {
        let run = try await Self.run("KeyVaultClientOnAzure")
        #expect(run.status == 2)
        #expect(run.stdout.hasPrefix("usage: KEY_VAULT_URL="))
    }

    @Test func mountWriterProjection() async throws {
        let run = try await Self.run("MountWriterProjection")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "added: [\"password\", \"tls/cert.pem\"]\nchanged on rewrite: false\npassword: hunter2\n")
    }

    @Test func providerMount() async throws {
        let run = try await Self.run("ProviderMount")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "written: [\"ExampleSecret\"], versions: [\"secret/ExampleSecret\"]\nExampleSecret = MyAKSExampleSecret\n")
    }

    @Test func csiProviderServerServesUntilSIGTERM() async throws {
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("snippet-\(UUID().uuidString.prefix(8)).sock").path
        var env = ProcessInfo.processInfo.environment
        env["PROVIDER_SOCKET"] = socket
        let (process, out, err) = try AKVMountCommandTests.launch([], environment: env, executable: "CSIProviderServer")
        let deadline = ContinuousClock.now + .seconds(30)
        var attributes: [FileAttributeKey: Any]?
        while attributes == nil, ContinuousClock.now < deadline {
            attributes = try? FileManager.default.attributesOfItem(atPath: socket)
            if attributes == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(attributes?[.type] as? FileAttributeType == .typeSocket)
        #expect((attributes?[.posixPermissions] as? Int) == 0o600)
        process.terminate()  // SIGTERM
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == 0, "\(stderr)")
        #expect(stdout.hasSuffix("stopped\n"), "\(stdout)")
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket is removed on a graceful shutdown")
    }
}

extension SnippetTests {
    @Test func keyVaultConfigurationService() async throws {
        let run = try await Self.run("KeyVaultConfigurationService")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "database.host = db.internal\nexamplesecret is set: true\n")
    }
}
