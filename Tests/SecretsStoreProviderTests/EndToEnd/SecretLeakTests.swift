import AzureCoreTesting
import Foundation
import KeyVaultTesting
import Logging
import Testing
@testable import SecretsStoreProvider

/// Nothing secret reaches a log line or an error: every mode mounted with a trace-level logger, then the captured
/// text scanned for secret values, the client secret, the service-account token and the access tokens' signatures.
@Suite(.serialized) struct SecretLeakTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func traceLogsAndErrorsHoldNoSecret() async throws {
        let capture = LogCapture()
        let logger = capture.logger(label: "leak-scan", level: .trace)
        var serviceAccountToken = ""
        var errorTexts: [String] = []
        try await EmulatedMount.run(logger: logger) { env in
            serviceAccountToken = try env.serviceAccountToken()
            let objects = ["objectName: secret1\nobjectType: secret", "objectName: ExampleSecret\nobjectType: secret", "objectName: pkcs12-cert\nobjectType: secret\nobjectAlias: tls.pem"]
            for (index, identity) in [EmulatedMount.Identity.workload(token: serviceAccountToken), .servicePrincipal(), .addon].enumerated() {
                _ = try await env.provider.mount(try env.request(identity, objects: objects), into: env.directory("leak\(index)"))
            }
            // Failures too: a wrong client secret and a forbidden identity.
            for identity in [EmulatedMount.Identity.servicePrincipal(secret: "wrong-secret-value-123"),
                             .servicePrincipal(clientID: Sample.unauthorizedApplication.clientID, secret: Sample.unauthorizedApplication.secret ?? "")] {
                if let error = await providerError({ _ = try await env.provider.mount(try env.request(identity, objects: objects), into: env.directory("leak-fail")) }) {
                    errorTexts.append(error.message)
                    errorTexts.append("\(error)")
                }
            }
        }
        #expect(errorTexts.count == 4, "\(errorTexts)")
        let haystacks = [capture.text] + errorTexts
        let needles = [
            "MyAKSExampleSecret", "secret1 version 2", Sample.servicePrincipal.secret ?? "?", "wrong-secret-value-123",
            Sample.unauthorizedApplication.secret ?? "?", serviceAccountToken, String(serviceAccountToken.split(separator: ".").last ?? "?"),
            "BEGIN PRIVATE KEY",
        ]
        #expect(!capture.text.isEmpty, "the provider should have logged something at trace level")
        for needle in needles where !needle.isEmpty {
            for text in haystacks {
                #expect(!text.contains(needle), "found a secret (\(needle.prefix(6))...) in logs or errors")
            }
        }
        // No bearer token of any kind: a JWT has two dots and starts with eyJ.
        #expect(capture.text.range(of: #"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"#, options: .regularExpression) == nil)
    }
}
