// Test support: the `mountwriter-crash-child` executable (Examples/mountwriter-crash-child).

import Foundation
import MountWriter
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum CrashChild {
    private struct PayloadFile: Codable {
        var base64: String
        var mode: UInt32
    }

    private struct Payload: Codable {
        var files: [String: PayloadFile]
    }

    private struct PayloadSet: Codable {
        var payloads: [Payload]
    }

    /// The child executable: `$MOUNTWRITER_CRASH_CHILD`, or next to the running test executable, or in
    /// `.build/debug` of the working directory.
    static func executable(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["MOUNTWRITER_CRASH_CHILD"] {
            candidates.append(explicit)
        }
        if let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((running as NSString).deletingLastPathComponent + "/mountwriter-crash-child")
        }
        var bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(bundle.appendingPathComponent("mountwriter-crash-child").path)
            bundle.deleteLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/mountwriter-crash-child")
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            let message = """
                mountwriter-crash-child not found (looked in: \(candidates.joined(separator: ", "))). \
                Build it with `swift build --build-tests` (it is built with the package's executables) \
                or set MOUNTWRITER_CRASH_CHILD to its path.
                """
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return found
    }

    /// Writes payloads in the child's JSON format.
    static func writePayloads(_ payloads: [[String: ProjectedFile]], to path: String) throws {
        let set = PayloadSet(payloads: payloads.map { files in
            Payload(files: files.mapValues { PayloadFile(base64: Data($0.contents).base64EncodedString(), mode: $0.mode) })
        })
        try JSONEncoder().encode(set).write(to: URL(fileURLWithPath: path))
    }

    /// Starts the child with `arguments`, its output discarded.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs the child to completion and returns its exit status and standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
