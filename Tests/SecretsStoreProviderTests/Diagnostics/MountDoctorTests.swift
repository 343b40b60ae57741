import Foundation
import KeyVaultTesting
import SecretsStoreProvider
import Testing

/// What one doctor case feeds `MountDoctor.diagnose`.
struct DoctorInput: Sendable {
    var manifest: String
    var attributes: [String: String] = EmulatedMount.pod
    var secrets: [String: String] = [:]
    /// Strings that must never appear in the output (secret values, client secrets, tokens).
    var sensitive: [String] = []
}

/// One misconfiguration against the emulators, and the failing check and fix it must produce.
struct DoctorCase: Sendable, CustomTestStringConvertible {
    typealias Sample = AzureEmulatorSeed.Sample
    var name: String
    var setup: @Sendable (EmulatedMount) async throws -> DoctorInput
    var failingCheck: String
    var causeContains: [String]
    var fixContains: [String]

    var testDescription: String { name }

    static let secret1 = "objectName: secret1\nobjectType: secret"

    /// A manifest with the sample vault and tenant, extra parameters and objects.
    static func manifest(_ parameters: [String: String], objects: [String] = [secret1], tenant: String = Sample.tenantID) -> String {
        var all = ["keyvaultName": Sample.vaultName, "tenantID": tenant]
        all.merge(parameters) { _, new in new }
        let lines = all.sorted { $0.key < $1.key }.map { key, value in
            let quoted = String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
            return "\(key): \(quoted)"
        }
        return LintFixture.spc(lines, objects: objects)
    }

    static func addon(_ objects: [String] = [secret1]) -> String {
        manifest(["useVMManagedIdentity": "true", "userAssignedIdentityID": Sample.addonIdentity.clientID], objects: objects)
    }

    static func workload(_ env: EmulatedMount, token: String) throws -> DoctorInput {
        var attributes = EmulatedMount.pod
        attributes["csi.storage.k8s.io/serviceAccount.tokens"] = try env.tokensAttribute(token)
        return DoctorInput(manifest: manifest(["clientID": Sample.workloadIdentity.clientID]), attributes: attributes, sensitive: [token])
    }

    static func servicePrincipal(secret: String = Sample.servicePrincipal.secret ?? "", tenant: String = Sample.tenantID) -> DoctorInput {
        DoctorInput(
            manifest: manifest([:], tenant: tenant), secrets: ["clientid": Sample.servicePrincipal.clientID, "clientsecret": secret],
            sensitive: [secret]
        )
    }

    static let all: [DoctorCase] = [
        DoctorCase(
            name: "managed identity not assigned to the node pool",
            setup: { _ in DoctorInput(manifest: manifest(["useVMManagedIdentity": "true", "userAssignedIdentityID": "5b0a3c1e-0000-4000-8000-00000000dead"])) },
            failingCheck: "identity.token", causeContains: ["Identity not found"],
            fixContains: ["addonProfiles.azureKeyvaultSecretsProvider.identity.clientId", "node pool"]
        ),
        DoctorCase(
            name: "several identities and no client ID",
            setup: { _ in DoctorInput(manifest: manifest(["useVMManagedIdentity": "true"])) },
            failingCheck: "identity.token", causeContains: ["Multiple user assigned identities exist"],
            fixContains: ["userAssignedIdentityID", "az aks show"]
        ),
        DoctorCase(
            name: "federated credential with the wrong subject",
            setup: { env in try workload(env, token: try env.serviceAccountToken(name: "other-sa")) },
            failingCheck: "identity.exchange", causeContains: ["AADSTS70021", "system:serviceaccount:default:other-sa"],
            fixContains: ["subject 'system:serviceaccount:default:other-sa'", "az identity federated-credential create"]
        ),
        DoctorCase(
            name: "federated credential with the wrong issuer",
            setup: { env in
                try workload(env, token: try env.emulators.oidcIssuer.mintServiceAccountToken(
                    namespace: Sample.serviceAccountNamespace, serviceAccount: Sample.serviceAccountName, issuerOverride: "https://oidc.wrong.example/"))
            },
            failingCheck: "identity.exchange", causeContains: ["AADSTS70021", "https://oidc.wrong.example/"],
            fixContains: ["issuer 'https://oidc.wrong.example/'", "oidcIssuerProfile.issuerUrl"]
        ),
        DoctorCase(
            name: "expired service-account token",
            setup: { env in
                try workload(env, token: try env.emulators.oidcIssuer.mintServiceAccountToken(
                    namespace: Sample.serviceAccountNamespace, serviceAccount: Sample.serviceAccountName, lifetime: -600))
            },
            failingCheck: "identity.serviceAccountToken", causeContains: ["expired"], fixContains: ["requiresRepublish"]
        ),
        DoctorCase(
            name: "CSIDriver without tokenRequests",
            setup: { _ in DoctorInput(manifest: manifest(["clientID": Sample.workloadIdentity.clientID])) },
            failingCheck: "identity.serviceAccountToken", causeContains: ["service account tokens not found"],
            fixContains: ["tokenRequests", "api://AzureADTokenExchange"]
        ),
        DoctorCase(
            name: "wrong client secret",
            setup: { _ in servicePrincipal(secret: "not-the-right-client-secret") },
            failingCheck: "identity.token", causeContains: ["AADSTS7000215"], fixContains: ["clientsecret", "not its ID"]
        ),
        DoctorCase(
            name: "unknown application",
            setup: { _ in
                DoctorInput(manifest: manifest([:]), secrets: ["clientid": "5b0a3c1e-0000-4000-8000-00000000beef", "clientsecret": "some-client-secret"], sensitive: ["some-client-secret"])
            },
            failingCheck: "identity.token", causeContains: ["AADSTS700016"], fixContains: ["application (client) ID"]
        ),
        DoctorCase(
            name: "wrong tenant in the SPC",
            setup: { _ in servicePrincipal(tenant: "00000000-0000-4000-8000-0000000000ff") },
            failingCheck: "keyvault.tenant", causeContains: ["00000000-0000-4000-8000-0000000000ff", Sample.tenantID],
            fixContains: ["tenantID: \"\(Sample.tenantID)\""]
        ),
        DoctorCase(
            name: "missing role",
            setup: { env in
                try await env.emulators.keyVault.removeRoleAssignments(vault: Sample.vaultName, principalObjectID: Sample.servicePrincipal.objectID)
                return servicePrincipal()
            },
            failingCheck: "object.read", causeContains: ["HTTP 403"], fixContains: ["\"Key Vault Secrets User\"", "az role assignment create", "set-policy"]
        ),
        DoctorCase(
            name: "missing object",
            setup: { _ in DoctorInput(manifest: addon(["objectName: no-such-secret\nobjectType: secret"])) },
            failingCheck: "object.read", causeContains: ["HTTP 404", "'no-such-secret'", "version latest"], fixContains: ["list-versions"]
        ),
        DoctorCase(
            name: "missing version",
            setup: { _ in DoctorInput(manifest: addon(["objectName: secret1\nobjectType: secret\nobjectVersion: 0123456789abcdef0123456789abcdef"])) },
            failingCheck: "object.read", causeContains: ["'secret1'", "version 0123456789abcdef0123456789abcdef"], fixContains: ["objectVersion"]
        ),
        DoctorCase(
            name: "unsupported key type",
            setup: { env in
                try await env.emulators.keyVault.importKey(vault: Sample.vaultName, name: "oct-key", jwk: ["kty": "oct"])
                return DoctorInput(manifest: addon(["objectName: oct-key\nobjectType: key"]))
            },
            failingCheck: "conversion", causeContains: ["key type 'oct' currently not supported"], fixContains: ["RSA and EC"]
        ),
    ]
}

/// The sensitive values of the sample seed that must never reach doctor's output.
let sampleSecrets = [
    AzureEmulatorSeed.Sample.servicePrincipal.secret ?? "", AzureEmulatorSeed.Sample.unauthorizedApplication.secret ?? "",
    "secret1 version 1", "secret1 version 2", "MyAKSExampleSecret", "PRIVATE KEY", "eyJ",
]

/// Runs the doctor on an input and checks that its output (text and JSON) holds no secret, token or client secret.
func diagnoseAndScan(_ env: EmulatedMount, _ input: DoctorInput, target: String? = nil) async throws -> DoctorReport {
    let doctor = MountDoctor(configuration: env.provider.configuration)
    let report = await doctor.diagnose(manifest: input.manifest, source: "spc.yaml", attributes: input.attributes, secrets: input.secrets, target: target)
    let output = report.text + "\n" + (try report.jsonLines())
    for value in sampleSecrets + input.sensitive where !value.isEmpty {
        #expect(!output.contains(value), "doctor's output contains a sensitive value")
    }
    return report
}

extension Diagnostics {
    @Suite(.serialized) struct MountDoctorTests {
        typealias Sample = AzureEmulatorSeed.Sample

        @Test(arguments: DoctorCase.all)
        func misconfiguration(_ testCase: DoctorCase) async throws {
            try await EmulatedMount.run { env in
                let input = try await testCase.setup(env)
                let report = try await diagnoseAndScan(env, input)
                #expect(!report.succeeded)
                let step = try #require(report.steps.first { $0.check == testCase.failingCheck && $0.status == .failed }, "\(report.text)")
                for text in testCase.causeContains {
                    #expect(step.cause?.contains(text) == true, "cause: \(step.cause ?? "-") lacks \(text)")
                }
                for text in testCase.fixContains {
                    #expect(step.fix?.contains(text) == true, "fix: \(step.fix ?? "-") lacks \(text)")
                }
                #expect(step.line.hasPrefix("✗ \(step.stage.rawValue) "))
                #expect(step.line.contains("| fix: "))
                #expect(!step.line.contains("\n"))
            }
        }

        static func scenario(_ file: String, _ replacements: [String: String]) throws -> String {
            var text = try String(contentsOf: SecretProviderClassTests.manifests.appendingPathComponent(file), encoding: .utf8)
            for (placeholder, value) in replacements { text = text.replacingOccurrences(of: placeholder, with: value) }
            return text
        }

        static func expectAllPassed(_ report: DoctorReport, stages: [DoctorStep.Stage]) {
            #expect(report.succeeded, "\(report.text)")
            #expect(report.steps.allSatisfy { $0.status == .passed }, "\(report.text)")
            #expect(Set(report.steps.map(\.stage)) == Set(stages))
            #expect(report.text.hasSuffix("checks passed"))
        }

        @Test func serviceConnectorWithTheAddonIdentityIsAllGood() async throws {
            try await EmulatedMount.run { env in
                let yaml = try Self.scenario("sc-demo-keyvault-csi.yaml", [
                    "<AZURE_KEYVAULT_SECRETS_PROVIDER_CLIENT_ID>": Sample.addonIdentity.clientID, "<AZURE_KEYVAULT_NAME>": Sample.vaultName,
                    "<AZURE_TENANT_ID>": Sample.tenantID,
                ])
                let target = env.directory("doctor-target")
                let report = try await diagnoseAndScan(env, DoctorInput(manifest: yaml), target: target)
                Self.expectAllPassed(report, stages: DoctorStep.Stage.allCases)
                #expect(report.step("manifest.identityMode")?.title == "identity mode: user-assigned managed identity")
                #expect(report.step("identity.imds")?.status == .passed)
                #expect(!FileManager.default.fileExists(atPath: target), "doctor must not write anything")
            }
        }

        @Test func workloadIdentityIsAllGood() async throws {
            try await EmulatedMount.run { env in
                let yaml = try Self.scenario("azure-kvname-wi.yaml", [
                    "<USER_ASSIGNED_CLIENT_ID>": Sample.workloadIdentity.clientID, "<KEYVAULT_NAME>": Sample.vaultName, "<IDENTITY_TENANT>": Sample.tenantID,
                ])
                let token = try env.serviceAccountToken()
                var attributes = EmulatedMount.pod
                attributes["csi.storage.k8s.io/serviceAccount.tokens"] = try env.tokensAttribute(token)
                let report = try await diagnoseAndScan(env, DoctorInput(manifest: yaml, attributes: attributes, sensitive: [token]))
                Self.expectAllPassed(report, stages: [.manifest, .cloud, .identity, .keyVault, .object, .conversion])
                let claims = try #require(report.step("identity.serviceAccountToken")?.detail)
                #expect(claims.contains("subject system:serviceaccount:default:workload-identity-sa"))
                #expect(claims.contains("issuer \(env.emulators.oidcIssuer.issuer)"))
                #expect(claims.contains("audience api://AzureADTokenExchange"))
                #expect(report.steps.filter { $0.check == "object.read" }.count == 2)
            }
        }

        @Test func userAssignedManagedIdentityIsAllGood() async throws {
            try await EmulatedMount.run { env in
                let yaml = try Self.scenario("azure-kvname-user-msi.yaml", [
                    "<client-id>": Sample.userAssignedIdentity.clientID, "<key-vault-name>": Sample.vaultName, "<tenant-id>": Sample.tenantID,
                ])
                let report = try await diagnoseAndScan(env, DoctorInput(manifest: yaml))
                Self.expectAllPassed(report, stages: [.manifest, .cloud, .identity, .keyVault, .object, .conversion])
                #expect(report.step("keyvault.tokenAudience")?.detail?.contains("tenant \(Sample.tenantID)") == true)
            }
        }

        @Test func historyCertificatesAndServicePrincipalAreAllGood() async throws {
            try await EmulatedMount.run { env in
                var input = DoctorCase.servicePrincipal()
                input.manifest = DoctorCase.manifest([:], objects: [
                    "objectName: secret1\nobjectType: secret\nobjectVersionHistory: 2", "objectName: pkcs12-cert\nobjectType: secret",
                    "objectName: pem-cert\nobjectType: cert", "objectName: ec-key1\nobjectType: key",
                ])
                let report = try await diagnoseAndScan(env, input)
                Self.expectAllPassed(report, stages: [.manifest, .cloud, .identity, .keyVault, .object, .conversion])
                #expect(report.steps.first { $0.check == "object.read" }?.detail?.contains("2 versions listed, 2 written") == true)
                #expect(report.steps.first { $0.check == "conversion" && $0.objectIndex == 1 }?.detail?.contains("application/x-pkcs12") == true)
            }
        }

        @Test func laterStepsAreSkippedOnlyWhenTheyNeedAFailedOne() async throws {
            try await EmulatedMount.run { env in
                let report = try await diagnoseAndScan(env, DoctorInput(manifest: DoctorCase.manifest(["clientID": Sample.workloadIdentity.clientID])))
                // No token: the challenge is still checked, the objects are skipped.
                #expect(report.step("keyvault.challenge")?.status == .passed)
                #expect(report.step("keyvault.tenant")?.status == .passed)
                #expect(report.step("keyvault.tokenAudience")?.status == .skipped)
                #expect(report.step("object.read")?.status == .skipped)
                let lines = try report.jsonLines().split(separator: "\n")
                #expect(lines.count == report.steps.count)
                #expect(lines.first?.contains("\"stage\":1") == true)
            }
        }

        @Test func unreachableIMDSAndVaultAreNamed() async throws {
            try await EmulatedMount.run { env in
                var configuration = env.provider.configuration
                configuration.imdsEndpoint = URL(string: "https://127.0.0.1:1")
                configuration.vaultURLs = [Sample.vaultName: URL(string: "https://127.0.0.1:1")!]
                let report = await MountDoctor(configuration: configuration).diagnose(manifest: DoctorCase.addon(), attributes: EmulatedMount.pod)
                let imds = try #require(report.step("identity.imds"))
                #expect(imds.status == .failed)
                #expect(imds.fix?.contains("169.254.169.254") == true)
                #expect(report.step("identity.token")?.status == .skipped)
                let challenge = try #require(report.step("keyvault.challenge"))
                #expect(challenge.status == .failed)
                #expect(challenge.fix?.contains("firewall") == true)
                #expect(report.step("object.read")?.status == .skipped)
            }
        }

        @Test func anUnreadableManifestStopsAtStepOne() async throws {
            try await EmulatedMount.run { env in
                let report = try await diagnoseAndScan(env, DoctorInput(manifest: "kind: Pod\n"))
                #expect(report.steps.count == 1)
                #expect(report.steps.first?.status == .failed)
                #expect(report.steps.first?.fix?.contains("akv-mount lint") == true)
            }
        }
    }
}
