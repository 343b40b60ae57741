import Foundation

/// Runs the `openssl` command line in a private temporary directory, to produce test material independently of
/// the code under test.
struct OpenSSLTool: Sendable {
    /// The working directory (created by ``make()``).
    let directory: URL

    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let standardError: String
        var description: String { "openssl \(arguments.joined(separator: " ")) exited \(status): \(standardError)" }
    }

    /// Creates a fresh temporary directory.
    static func make() throws -> OpenSSLTool {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kvc-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return OpenSSLTool(directory: url)
    }

    /// Removes the directory.
    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The path of a file in the directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs `openssl` with the arguments, in the directory, and returns standard output.
    @discardableResult
    func run(_ arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(input) }
        try standardInput.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                arguments: arguments,
                status: process.terminationStatus,
                standardError: String(decoding: errorData, as: UTF8.self)
            )
        }
        return outputData
    }

    /// Reads a file of the directory.
    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Writes a file into the directory.
    func write(_ name: String, _ bytes: some Sequence<UInt8>) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    /// The DER of a PEM certificate file.
    func certificateDER(_ name: String) throws -> [UInt8] {
        Array(try run(["x509", "-in", name, "-outform", "DER"]))
    }

    /// The PKCS#8 DER of a PEM private key file.
    func privateKeyPKCS8DER(_ name: String) throws -> [UInt8] {
        Array(try run(["pkcs8", "-topk8", "-nocrypt", "-in", name, "-outform", "DER"]))
    }

    /// The SubjectPublicKeyInfo PEM text of a private key file, as `openssl pkey -pubout` writes it.
    func publicKeyPEM(_ name: String) throws -> String {
        String(decoding: try run(["pkey", "-in", name, "-pubout"]), as: UTF8.self)
    }

    /// Generates a private key: `rsa:<bits>` or an EC curve name (`P-256`, `secp256k1`, ...).
    func generateKey(_ name: String, _ kind: String) throws {
        if kind.hasPrefix("rsa:") {
            try run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(kind.dropFirst(4))", "-out", name])
        } else {
            try run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:\(kind)", "-out", name])
        }
    }

    /// Creates a self-signed certificate for `key`.
    func selfSigned(_ name: String, key: String, subject: String, ca: Bool) throws {
        let extensions = ca
            ? ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]
            : ["-addext", "basicConstraints=critical,CA:FALSE"]
        try run(["req", "-x509", "-new", "-key", key, "-out", name, "-subj", subject, "-days", "2", "-sha256"]
            + extensions)
    }

    /// Creates a certificate for `key`, signed by `issuerCert`/`issuerKey`.
    ///
    /// - Parameters:
    ///   - ca: Whether the certificate is a CA.
    ///   - withKeyIdentifiers: Whether to add subject and authority key identifiers (a leaf without SKI/AKI
    ///     exercises the issuer/subject fallback).
    func issue(
        _ name: String, key: String, subject: String, issuerCert: String, issuerKey: String,
        ca: Bool, withKeyIdentifiers: Bool = true
    ) throws {
        let csr = name + ".csr"
        try run(["req", "-new", "-key", key, "-out", csr, "-subj", subject])
        var lines = [ca ? "basicConstraints=critical,CA:TRUE" : "basicConstraints=critical,CA:FALSE"]
        if ca { lines.append("keyUsage=critical,keyCertSign,cRLSign") }
        if withKeyIdentifiers {
            lines.append("subjectKeyIdentifier=hash")
            lines.append("authorityKeyIdentifier=keyid:always")
        } else {
            lines.append("subjectKeyIdentifier=none")
            lines.append("authorityKeyIdentifier=none")
        }
        try write(name + ".ext", Array((lines.joined(separator: "\n") + "\n").utf8))
        try run([
            "x509", "-req", "-in", csr, "-CA", issuerCert, "-CAkey", issuerKey,
            "-set_serial", "0x" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16),
            "-out", name, "-days", "2", "-sha256", "-extfile", name + ".ext",
        ])
    }
}
