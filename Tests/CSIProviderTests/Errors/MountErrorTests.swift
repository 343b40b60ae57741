import AzureCoreTesting
import CSIProvider
import Foundation
import GRPCCore
import KeyVaultTesting
import SecretsStoreProvider
import Testing

/// Each class of failure comes back as the gRPC code that fits it, with the Go provider's text.
@Suite(.serialized) struct MountErrorTests {
    typealias Sample = AzureEmulatorSeed.Sample
    static let secret = ["objectName: secret1\nobjectType: secret"]

    @Test func badParametersAreInvalidArgument() async throws {
        try await CSIHarness.run { harness in
            var request = try harness.request(.servicePrincipal(), objects: Self.secret, extra: ["keyvaultName": ""])
            var error = try #require(await harness.mountError(request))
            #expect(error.code == .invalidArgument)
            #expect(error.message == "keyvaultName is not provided")

            request = try harness.request(.servicePrincipal(), objects: ["objectName: secret1\nobjectType: blob"])
            error = try #require(await harness.mountError(request))
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("blob"), "\(error.message)")

            request = try harness.request(.servicePrincipal(), objects: [], extra: ["objects": "array: []"])
            error = try #require(await harness.mountError(request))
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("objects"), "\(error.message)")
        }
    }

    @Test func malformedDriverInputsAreInvalidArgument() async throws {
        try await CSIHarness.run { harness in
            let good = try harness.request(.servicePrincipal(), objects: Self.secret)
            let cases: [(WritableKeyPath<V1alpha1_MountRequest, String>, String, String)] = [
                (\.attributes, "{not json", "failed to unmarshal attributes"),
                (\.attributes, "[\"a\"]", "failed to unmarshal attributes"),
                (\.attributes, "{\"keyvaultName\": 5}", "failed to unmarshal attributes"),
                (\.secrets, "{\"clientid\": [1]}", "failed to unmarshal secrets"),
                (\.secrets, "\"text\"", "failed to unmarshal secrets"),
                (\.permission, "\"rw\"", "failed to unmarshal file permission"),
                (\.permission, "4096", "failed to unmarshal file permission"),
            ]
            for (field, value, expected) in cases {
                var request = good
                request[keyPath: field] = value
                let error = try #require(await harness.mountError(request), "\(value) was accepted")
                #expect(error.code == .invalidArgument, "\(value)")
                #expect(error.message.hasPrefix(expected), "\(value): \(error.message)")
            }
        }
    }

    @Test func forbiddenIsPermissionDenied() async throws {
        try await CSIHarness.run { harness in
            let identity = CSIHarness.Identity.servicePrincipal(
                clientID: Sample.unauthorizedApplication.clientID, secret: Sample.unauthorizedApplication.secret ?? ""
            )
            let error = try #require(await harness.mountError(try harness.request(identity, objects: Self.secret)))
            #expect(error.code == .permissionDenied)
            #expect(error.message.contains("objectName:secret1") && error.message.contains("Key Vault Secrets User"), "\(error.message)")
        }
    }

    @Test func rejectedIdentityIsUnauthenticated() async throws {
        try await CSIHarness.run { harness in
            var error = try #require(await harness.mountError(try harness.request(.servicePrincipal(secret: "wrong"), objects: Self.secret)))
            #expect(error.code == .unauthenticated)
            #expect(error.message.contains("AADSTS7000215"), "\(error.message)")
            #expect(!error.message.contains("wrong"), "the client secret never appears")

            let intruder = try harness.serviceAccountToken(namespace: "default", name: "intruder")
            error = try #require(await harness.mountError(try harness.request(.workload(token: intruder), objects: Self.secret)))
            #expect(error.code == .unauthenticated)
            #expect(error.message.contains("AADSTS70021"), "\(error.message)")
        }
    }

    @Test func missingObjectOrVersionIsNotFound() async throws {
        try await CSIHarness.run { harness in
            var error = try #require(await harness.mountError(try harness.request(.servicePrincipal(), objects: ["objectName: nothing\nobjectType: secret"])))
            #expect(error.code == .notFound)
            #expect(error.message.contains("objectName:nothing"), "\(error.message)")
            error = try #require(await harness.mountError(try harness.request(
                .servicePrincipal(), objects: ["objectName: secret1\nobjectType: secret\nobjectVersion: 0123456789abcdef0123456789abcdef"]
            )))
            #expect(error.code == .notFound)
            error = try #require(await harness.mountError(try harness.request(
                .servicePrincipal(), objects: ["objectName: secret1\nobjectType: secret\nobjectVersion: 0123456789abcdef0123456789abcdef\nobjectVersionHistory: 2"]
            )))
            #expect(error.code == .notFound)
        }
    }

    @Test func throttlingBeyondTheBudgetIsResourceExhausted() async throws {
        try await CSIHarness.run { harness in
            // Retry-After beyond the retry budget: given up at once, never retried by the driver.
            try await harness.emulators.keyVault.setThrottling(
                vault: Sample.vaultName, KeyVaultThrottling(requestsPerWindow: 0, windowSeconds: 600, retryAfterSeconds: 300)
            )
            let error = try #require(await harness.mountError(try harness.request(.servicePrincipal(), objects: Self.secret)))
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("429") || error.message.contains("Throttled"), "\(error.message)")
        }
    }

    @Test func unreachableVaultIsUnavailable() async throws {
        let closed = try URL(string: "https://127.0.0.1:\(ClosedPort.find())")!
        try await CSIHarness.run(requestTimeout: .seconds(1), configure: { $0.vaultURLs[Sample.vaultName] = closed }) { harness in
            let error = try #require(await harness.mountError(try harness.request(.servicePrincipal(), objects: Self.secret)))
            #expect(error.code == .unavailable)
        }
    }

    @Test func slowMountIsDeadlineExceeded() async throws {
        try await CSIHarness.run(options: .init(mountTimeout: .milliseconds(800))) { harness in
            await harness.emulators.keyVault.faultInjector.setLatency(.seconds(3))
            let started = ContinuousClock.now
            let error = try #require(await harness.mountError(try harness.request(.servicePrincipal(), objects: Self.secret)))
            #expect(error.code == .deadlineExceeded)
            #expect(ContinuousClock.now - started < .seconds(3))
            await harness.emulators.keyVault.faultInjector.setLatency(nil)
        }
    }

    @Test func conversionFailureIsInternal() async throws {
        try await CSIHarness.run { harness in
            let error = try #require(await harness.mountError(try harness.request(
                .servicePrincipal(), objects: ["objectName: secret1\nobjectType: secret\nobjectEncoding: base64"]
            )))
            #expect(error.code == .internalError)
            #expect(error.message.contains("illegal base64 data"), "\(error.message)")
        }
    }

    @Test func oversizedResponseIsRefused() async throws {
        try await CSIHarness.run(options: .init(maximumResponseBytes: 64)) { harness in
            let error = try #require(await harness.mountError(try harness.request(.servicePrincipal(), objects: ["objectName: pkcs12-cert\nobjectType: secret"])))
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("--max-call-recv-msg-size"), "\(error.message)")
            #expect(error.message.contains("bytes"), "\(error.message)")
        }
    }
}

/// A loopback port with nothing listening.
enum ClosedPort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
