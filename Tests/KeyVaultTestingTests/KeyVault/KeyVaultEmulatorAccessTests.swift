import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import KeyVaultTesting
import Logging
import Testing

@Suite("Key Vault emulator: access, throttling, counters, serving")
struct KeyVaultEmulatorAccessTests {
    @Test("without a role the caller gets 403 Forbidden/ForbiddenByRbac naming the action; the right role opens it")
    func rbac() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        let vault = KeyVaultEmulatorFixture.vault
        try await fixture.emulator.setSecret(vault: vault, name: "secret1", value: "v")
        try await fixture.emulator.createKey(vault: vault, name: "key1", spec: .ecP256)

        let denied = await fixture.send(.get, "/secrets/secret1/?api-version=7.6", token: "bob")
        #expect(denied.status.code == 403)
        #expect(denied.errorCode == "Forbidden")
        #expect(denied.innerErrorCode == "ForbiddenByRbac")
        let message = try #require(denied.errorMessage)
        #expect(message.hasPrefix("Caller is not authorized to perform action on resource."))
        #expect(message.contains("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'"))
        #expect(message.contains("oid=bob"))
        #expect(message.contains("/vaults/test-vault/secrets/secret1'"))
        #expect(message.contains("Assignment: (not found)"))

        try await fixture.emulator.assignRole(vault: vault, principalObjectID: "bob", role: .secretsUser)
        #expect(await fixture.send(.get, "/secrets/secret1/?api-version=7.6", token: "bob").status.code == 200)
        let key = await fixture.send(.get, "/keys/key1/?api-version=7.6", token: "bob")
        #expect(key.status.code == 403)
        #expect(key.errorMessage?.contains("Action: 'Microsoft.KeyVault/vaults/keys/read'") == true)

        try await fixture.emulator.assignRole(vault: vault, principalObjectID: "bob", role: .certificateUser)
        #expect(await fixture.send(.get, "/keys/key1/?api-version=7.6", token: "bob").status.code == 200)

        try await fixture.emulator.assignRole(vault: vault, principalObjectID: "reader", role: .reader)
        #expect(await fixture.send(.get, "/secrets/secret1/versions?api-version=7.6", token: "reader").status.code == 200)
        #expect(await fixture.send(.get, "/secrets/secret1?api-version=7.6", token: "reader").status.code == 403)
        #expect(await fixture.send(.get, "/keys/key1?api-version=7.6", token: "reader").status.code == 200)
    }

    @Test("with access policies a missing permission gives 403 AccessDenied")
    func accessPolicies() async throws {
        let fixture = try await KeyVaultEmulatorFixture(permissionModel: .accessPolicies)
        let vault = KeyVaultEmulatorFixture.vault
        try await fixture.emulator.setSecret(vault: vault, name: "secret1", value: "v")
        try await fixture.emulator.setAccessPolicy(
            vault: vault, KeyVaultAccessPolicy(objectID: "carol", secrets: ["get"]))
        #expect(await fixture.send(.get, "/secrets/secret1?api-version=7.6", token: "carol").status.code == 200)
        let list = await fixture.send(.get, "/secrets/secret1/versions?api-version=7.6", token: "carol")
        #expect(list.status.code == 403)
        #expect(list.innerErrorCode == "AccessDenied")
        #expect(list.errorMessage?.contains("does not have secrets list permission on key vault 'test-vault") == true)
        // A role assignment does not count under access policies.
        try await fixture.emulator.assignRole(vault: vault, principalObjectID: "dave", role: .administrator)
        #expect(await fixture.send(.get, "/secrets/secret1?api-version=7.6", token: "dave").status.code == 403)
    }

    @Test("a request budget answers 429 Throttled with or without Retry-After, and resets with the window")
    func throttling() async throws {
        let fixture = try await KeyVaultEmulatorFixture()
        try await fixture.grantAdmin()
        let vault = KeyVaultEmulatorFixture.vault
        try await fixture.emulator.setSecret(vault: vault, name: "s", value: "v")
        try await fixture.emulator.setThrottling(vault: vault, KeyVaultThrottling(requestsPerWindow: 2))
        #expect(await fixture.send(.get, "/secrets/s?api-version=7.6").status.code == 200)
        #expect(await fixture.send(.get, "/secrets/s?api-version=7.6").status.code == 200)
        let throttled = await fixture.send(.get, "/secrets/s?api-version=7.6")
        #expect(throttled.status.code == 429)
        #expect(throttled.errorCode == "Throttled")
        #expect(throttled.errorMessage?.contains("VaultRequestTypeLimitReached") == true)
        #expect(throttled.headerFields[.retryAfter] == nil)

        fixture.clock.advance(seconds: 10)
        #expect(await fixture.send(.get, "/secrets/s?api-version=7.6").status.code == 200)

        try await fixture.emulator.setThrottling(
            vault: vault, KeyVaultThrottling(requestsPerWindow: 1, retryAfterSeconds: 3))
        #expect(await fixture.send(.get, "/secrets/s?api-version=7.6").status.code == 200)
        let withHeader = await fixture.send(.get, "/secrets/s?api-version=7.6")
        #expect(withHeader.status.code == 429)
        #expect(withHeader.headerFields[.retryAfter] == "3")

        let counters = await fixture.emulator.counters(vault: vault)
        #expect(counters.total == 6)
        #expect(counters.byStatus[429] == 2)
        #expect(counters.byStatus[200] == 4)
        #expect(counters.byPath["/secrets/s"] == 6)
        #expect(counters.byStatusAndPath["429 /secrets/s"] == 2)
        await fixture.emulator.resetCounters(vault: vault)
        #expect(await fixture.emulator.counters(vault: vault).total == 0)
    }

    @Test("over loopback HTTPS a client trusting the test CA reads a secret; injected faults are served and counted")
    func loopback() async throws {
        let fixture = try await KeyVaultEmulatorFixture(requireAuthentication: false)
        let vault = KeyVaultEmulatorFixture.vault
        try await fixture.emulator.setSecret(vault: vault, name: "s", value: "over-tls")
        let authority = try TestCertificateAuthority()
        try await fixture.emulator.start(certificateAuthority: authority)
        let base = try #require(await fixture.emulator.vaultURL(vault))
        #expect(base.host == "127.0.0.1")
        do {
            try await AsyncHTTPClientTransport.withTransport(
                configuration: .init(additionalTrustRootsPEM: [authority.caPEM], ignoresEnvironmentProxy: true),
                environment: [:]
            ) { transport in
                let request = HTTPRequest(
                    method: .get, scheme: "https", authority: "127.0.0.1:\(base.port!)", path: "/secrets/s/?api-version=7.6")
                let ok = try await transport.send(request, body: nil)
                #expect(ok.statusCode == 200)
                let body = try #require((try JSONSerialization.jsonObject(with: ok.body)) as? [String: Any])
                #expect(body["value"] as? String == "over-tls")
                #expect((body["id"] as? String)?.hasPrefix("https://127.0.0.1:\(base.port!)/secrets/s/") == true)

                await fixture.emulator.faultInjector.enqueue([.status(503), .dropConnection])
                let unavailable = try await transport.send(request, body: nil)
                #expect(unavailable.statusCode == 503)
                await #expect(throws: (any Error).self) { _ = try await transport.send(request, body: nil) }
                #expect(try await transport.send(request, body: nil).statusCode == 200)
            }
        } catch {
            await fixture.emulator.stop()
            throw error
        }
        #expect(await fixture.emulator.faultInjector.injectedFaultCount == 2)
        #expect(await fixture.emulator.counters(vault: vault).byStatus[200] == 2)
        await fixture.emulator.stop()
        #expect(await fixture.emulator.vaultURL(vault) == nil)
    }

    @Test("vaults added while serving get their own port")
    func vaultPerPort() async throws {
        let fixture = try await KeyVaultEmulatorFixture(requireAuthentication: false)
        let authority = try TestCertificateAuthority()
        try await fixture.emulator.start(certificateAuthority: authority)
        try await fixture.emulator.addVault(name: "second-vault", tenantID: "t")
        let first = await fixture.emulator.vaultURL(KeyVaultEmulatorFixture.vault)
        let second = await fixture.emulator.vaultURL("SECOND-vault")
        await fixture.emulator.stop()
        #expect(first != nil && second != nil)
        #expect(first?.port != second?.port)
        await #expect(throws: KeyVaultEmulatorError.self) {
            try await fixture.emulator.addVault(name: "second-vault", tenantID: "t")
        }
    }
}
