import Foundation

/// Runs the `openssl` command line on bytes, to check our output with an independent implementation.
enum OpenSSLTool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String], input: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The PEM blocks of a text, in order: (type, whole block text).
    static func pemBlocks(_ text: String) -> [(type: String, block: String)] {
        var blocks: [(String, String)] = []
        var current: [Substring] = []
        var type: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-----BEGIN ") {
                type = String(line.dropFirst(11).dropLast(5))
                current = [line]
            } else if line.hasPrefix("-----END "), let t = type {
                current.append(line)
                blocks.append((t, current.joined(separator: "\n") + "\n"))
                type = nil
            } else if type != nil {
                current.append(line)
            }
        }
        return blocks
    }

    /// The subject CN of each certificate block, in order.
    static func certificateSubjects(_ text: String) throws -> [String] {
        try pemBlocks(text).filter { $0.type == "CERTIFICATE" }.map {
            try run(["x509", "-noout", "-subject", "-nameopt", "sep_multiline"], input: Array($0.block.utf8))
                .split(separator: "\n").first { $0.contains("CN=") }.map { String($0.split(separator: "=", maxSplits: 1)[1]) } ?? ""
        }
    }
}
