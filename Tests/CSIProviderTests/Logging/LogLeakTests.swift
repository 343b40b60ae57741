import AzureCoreTesting
import CSIProvider
import Foundation
import GRPCCore
import KeyVaultTesting
import Logging
import Testing

/// Trace-level logs of the server over successful and failed mounts of every identity mode hold no secret value,
/// client secret, service-account token or access token.
@Suite(.serialized) struct LogLeakTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func traceLogsHoldNoSecret() async throws {
        let capture = LogCapture()
        var token = ""
        try await CSIHarness.run(logger: capture.logger(label: "csi", level: .trace)) { harness in
            token = try harness.serviceAccountToken()
            let objects = ["objectName: secret1\nobjectType: secret", "objectName: pkcs12-cert\nobjectType: secret"]
            for identity: CSIHarness.Identity in [.servicePrincipal(), .workload(token: token), .addon] {
                _ = try await harness.client.mount(try harness.request(identity, objects: objects))
            }
            _ = try await harness.mountError(try harness.request(.servicePrincipal(secret: "not-the-secret-123"), objects: objects))
            _ = try await harness.mountError(try harness.request(.servicePrincipal(), objects: ["objectName: nothing\nobjectType: secret"]))
        }
        let text = capture.text
        #expect(text.contains("mount succeeded") && text.contains("mount failed"), "the calls were logged")
        #expect(text.contains("pod=web-0") || text.contains("web-0"))
        let forbidden = [
            "secret1 version", "BEGIN PRIVATE KEY", Sample.servicePrincipal.secret ?? "?", "not-the-secret-123", token,
            String(token.prefix(40)),
        ]
        for needle in forbidden where !needle.isEmpty {
            #expect(!text.contains(needle), "the logs hold \(needle.prefix(12))…")
        }
        #expect(text.range(of: #"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."#, options: .regularExpression) == nil, "no JWT in the logs")
    }
}
