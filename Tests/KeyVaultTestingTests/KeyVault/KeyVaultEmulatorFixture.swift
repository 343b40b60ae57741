import AzureCoreTesting
import Foundation
import HTTPTypes
import KeyVaultTesting
import Logging
import Synchronization

/// A settable clock for the emulator tests.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Shared set-up: one RBAC vault, a token verifier that maps fake token strings to claims.
struct KeyVaultEmulatorFixture {
    static let tenant = "72f988bf-0000-4000-8000-000000000001"
    static let vault = "test-vault"
    let clock = ManualClock()
    let emulator: KeyVaultEmulator

    /// Tokens are `"<oid>"` (valid), `"aud:<oid>"` (wrong audience), `"tid:<oid>"` (wrong tenant),
    /// `"exp:<oid>"` (expired), anything starting with `"bad"` (rejected signature).
    init(permissionModel: KeyVaultPermissionModel = .rbac, requireAuthentication: Bool = true) async throws {
        let clock = self.clock
        let verifier: KeyVaultEmulator.TokenVerifier = { token in
            if token.hasPrefix("bad") { throw CancellationError() }
            let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
            let oid = parts.last ?? token
            let kind = parts.count == 2 ? parts[0] : ""
            return KeyVaultAccessTokenClaims(
                audience: kind == "aud" ? "https://management.azure.com/" : "https://vault.azure.net",
                tenantID: kind == "tid" ? "other-tenant" : Self.tenant,
                objectID: oid, applicationID: "app-\(oid)",
                expiresOn: clock.now.addingTimeInterval(kind == "exp" ? -10 : 3600))
        }
        emulator = KeyVaultEmulator(
            configuration: .init(
                authorityHost: URL(string: "https://127.0.0.1:9999")!, requireAuthentication: requireAuthentication),
            tokenVerifier: verifier, now: { clock.now }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await emulator.addVault(name: Self.vault, tenantID: Self.tenant, permissionModel: permissionModel)
    }

    /// Sends a request to the test vault.
    func send(
        _ method: HTTPRequest.Method = .get, _ pathAndQuery: String, token: String? = "admin", body: Any? = nil
    ) async -> KeyVaultEmulatorResponse {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        let data = body.flatMap { try? JSONSerialization.data(withJSONObject: $0) } ?? Data()
        return await emulator.handle(
            KeyVaultEmulatorRequest(
                method: method, pathAndQuery: pathAndQuery, headerFields: fields, body: data,
                authority: "127.0.0.1:8443"),
            vault: Self.vault)
    }

    func grantAdmin(_ oid: String = "admin") async throws {
        try await emulator.assignRole(vault: Self.vault, principalObjectID: oid, role: .administrator)
    }
}

extension KeyVaultEmulatorResponse {
    var errorCode: String? { (jsonObject()?["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (jsonObject()?["error"] as? [String: Any])?["message"] as? String }
    var innerErrorCode: String? {
        ((jsonObject()?["error"] as? [String: Any])?["innererror"] as? [String: Any])?["code"] as? String
    }
}

extension Data {
    /// Decodes unpadded base64url.
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}

/// Certificate material made by the `openssl` command line, independently of the emulator.
enum OpenSSLCommand {
    struct Material {
        var pfx: Data
        var certificateDER: Data
        /// The private key (PKCS#8) and certificate as PEM text.
        var pem: String
    }

    static func makeRSAPFX(password: String) throws -> Material {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvemu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let cert = directory.appendingPathComponent("cert.pem").path
        let der = directory.appendingPathComponent("cert.der").path
        let pfx = directory.appendingPathComponent("bundle.pfx").path
        try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "30",
                 "-subj", "/CN=imported.example"])
        try run(["x509", "-in", cert, "-outform", "DER", "-out", der])
        try run(["pkcs12", "-export", "-inkey", key, "-in", cert, "-out", pfx, "-passout", "pass:\(password)"])
        return Material(
            pfx: try Data(contentsOf: URL(fileURLWithPath: pfx)),
            certificateDER: try Data(contentsOf: URL(fileURLWithPath: der)),
            pem: try String(contentsOfFile: key, encoding: .utf8) + String(contentsOfFile: cert, encoding: .utf8))
    }

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: ["arguments": arguments.joined(separator: " ")])
        }
    }
}
