import Foundation
import SecretsStoreProvider
import Testing

/// Builds manifests for the lint table.
enum LintFixture {
    /// A `SecretProviderClass` with raw parameter lines (4-space indent added) and object entries (`- |` blocks).
    static func spc(_ parameters: [String], objects: [String]? = [secret1], provider: String = "azure") -> String {
        var text = """
            apiVersion: secrets-store.csi.x-k8s.io/v1
            kind: SecretProviderClass
            metadata:
              name: lint-case
            spec:
              provider: \(provider)
              parameters:

            """
        for line in parameters { text += "    \(line)\n" }
        if let objects {
            text += "    objects: |\n      array:\n"
            for entry in objects {
                text += "        - |\n" + entry.split(separator: "\n").map { "          \($0)\n" }.joined()
            }
        }
        return text
    }

    static let secret1 = "objectName: secret1\nobjectType: secret"
    static let vault = "keyvaultName: \"kv-lint\""
    static let tenant = "tenantID: \"72f988bf-86f1-41af-91ab-000000000001\""
    static let base = [vault, tenant]

    /// A compact JWT with the given claims and a dummy signature (lint never verifies signatures).
    static func jwt(audience: String = "api://AzureADTokenExchange", expires: Date = Date().addingTimeInterval(3600)) -> String {
        func encode(_ object: [String: Any]) -> String {
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let header = encode(["alg": "ES256", "typ": "JWT"])
        let payload = encode([
            "iss": "https://oidc.example/issuer/", "sub": "system:serviceaccount:default:workload-identity-sa",
            "aud": [audience], "exp": Int(expires.timeIntervalSince1970), "iat": Int(Date().timeIntervalSince1970),
        ])
        return "\(header).\(payload).c2lnbmF0dXJl"
    }

    static func tokens(_ token: String, audience: String = "api://AzureADTokenExchange") -> [String: String] {
        let json = try! JSONSerialization.data(withJSONObject: [audience: ["token": token, "expirationTimestamp": "2099-01-01T00:00:00Z"]])
        return [
            "csi.storage.k8s.io/pod.name": "pod1", "csi.storage.k8s.io/pod.namespace": "default",
            "csi.storage.k8s.io/serviceAccount.tokens": String(decoding: json, as: UTF8.self),
        ]
    }
}

/// One bad manifest and the rules it must trigger (errors and warnings, each as often as expected).
struct LintCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var attributes: [String: String]?
    var secrets: [String: String]?
    var expected: [LintFinding.Rule]

    var testDescription: String { name }

    init(_ name: String, _ yaml: String, attributes: [String: String]? = nil, secrets: [String: String]? = nil, _ expected: [LintFinding.Rule]) {
        self.name = name
        self.yaml = yaml
        self.attributes = attributes
        self.secrets = secrets
        self.expected = expected
    }

    typealias F = LintFixture

    static let all: [LintCase] = [
        LintCase("two identity modes at once", F.spc(F.base + ["useVMManagedIdentity: \"true\"", "userAssignedIdentityID: \"id\"", "useAzureTokenProxy: \"true\""]),
                 [.multipleIdentityModes, .unsupportedIdentityMode]),
        LintCase("managed identity and pod identity", F.spc(F.base + ["usePodIdentity: \"true\"", "useVMManagedIdentity: \"true\"", "userAssignedIdentityID: \"id\""]),
                 [.multipleIdentityModes, .unsupportedIdentityMode]),
        LintCase("clientID without a service-account token", F.spc(F.base + ["clientID: \"app\""]),
                 attributes: ["csi.storage.k8s.io/pod.name": "p", "csi.storage.k8s.io/pod.namespace": "default"], [.serviceAccountTokenMissing]),
        LintCase("clientID with a token for another audience", F.spc(F.base + ["clientID: \"app\""]),
                 attributes: F.tokens(F.jwt(audience: "api://AKSIdentityBinding"), audience: "api://AKSIdentityBinding"), [.serviceAccountTokenMissing]),
        LintCase("expired service-account token", F.spc(F.base + ["clientID: \"app\""]),
                 attributes: F.tokens(F.jwt(expires: Date().addingTimeInterval(-60))), [.serviceAccountTokenInvalid]),
        LintCase("tenantid in lower case", F.spc([F.vault, "tenantid: \"t\""]), [.unknownParameter, .tenantMissing]),
        LintCase("userAssignedIdentityId casing (#853)", F.spc(F.base + ["useVMManagedIdentity: \"true\"", "userAssignedIdentityId: \"id\""]),
                 [.unknownParameter, .managedIdentityUnnamed]),
        LintCase("pfx on a key", F.spc(F.base, objects: ["objectName: key1\nobjectType: key\nobjectFormat: pfx"]), [.pfxOnNonSecret]),
        LintCase("PFX on a cert", F.spc(F.base, objects: ["objectName: cert1\nobjectType: cert\nobjectFormat: PFX"]), [.pfxOnNonSecret]),
        LintCase("duplicate file names", F.spc(F.base, objects: [F.secret1, "objectName: secret1\nobjectType: secret"]), [.duplicateFileName]),
        LintCase("duplicate file names when one entry has another error", F.spc(F.base, objects: ["objectName: k\nobjectType: key\nobjectFormat: pfx", "objectName: k\nobjectType: key"]),
                 [.pfxOnNonSecret, .duplicateFileName]),
        LintCase("alias equal to another object's name", F.spc(F.base, objects: [F.secret1, "objectName: other\nobjectType: secret\nobjectAlias: secret1"]), [.duplicateFileName]),
        LintCase("file where a directory is needed", F.spc(F.base, objects: ["objectName: a\nobjectType: secret\nobjectAlias: tls", "objectName: b\nobjectType: secret\nobjectAlias: tls/key"]), [.duplicateFileName]),
        LintCase("invalid filePermission", F.spc(F.base, objects: ["objectName: s\nobjectType: secret\nfilePermission: \"0900\""]), [.filePermissionInvalid]),
        LintCase("alias escaping the target", F.spc(F.base, objects: ["objectName: s\nobjectType: secret\nobjectAlias: ../x"]), [.fileNameInvalid]),
        LintCase("absolute alias", F.spc(F.base, objects: ["objectName: s\nobjectType: secret\nobjectAlias: /etc/passwd"]), [.fileNameInvalid]),
        LintCase("keyvaultName missing", F.spc([F.tenant]), [.vaultNameMissing]),
        LintCase("keyvaultName is a URL", F.spc(["keyvaultName: \"https://kv.vault.azure.net\"", F.tenant]), [.vaultNameInvalid]),
        LintCase("unparseable flag", F.spc(F.base + ["usePodIdentity: \"tru\""]), [.invalidFlag]),
        LintCase("unquoted boolean", F.spc(F.base + ["useVMManagedIdentity: true", "userAssignedIdentityID: \"id\""]), [.parameterNotString]),
        LintCase("objectType certificate", F.spc(F.base, objects: ["objectName: c\nobjectType: certificate"]), [.objectTypeInvalid]),
        LintCase("objectType in capitals", F.spc(F.base, objects: ["objectName: s\nobjectType: Secret"]), [.objectTypeCase]),
        LintCase("objectEncoding on a key", F.spc(F.base, objects: ["objectName: k\nobjectType: key\nobjectEncoding: base64"]), [.encodingOnNonSecret]),
        LintCase("unknown objectEncoding", F.spc(F.base, objects: ["objectName: s\nobjectType: secret\nobjectEncoding: base32"]), [.objectEncodingInvalid]),
        LintCase("unknown objectFormat", F.spc(F.base, objects: ["objectName: s\nobjectType: secret\nobjectFormat: der"]), [.objectFormatInvalid]),
        LintCase("objectName missing", F.spc(F.base, objects: ["objectType: secret"]), [.objectNameMissing]),
        LintCase("objectName misspelt", F.spc(F.base, objects: ["objectname: s\nobjectType: secret"]), [.unknownObjectField, .objectNameMissing]),
        LintCase("objects missing", F.spc(F.base, objects: nil), [.objectsMissing]),
        LintCase("objects not YAML", F.spc(F.base + ["objects: \"array: [unclosed\""], objects: nil), [.objectsInvalid]),
        LintCase("entry not a string", F.spc(F.base + ["objects: |", "  array:", "    - objectName: s", "      objectType: secret"], objects: nil), [.objectInvalid]),
        LintCase("negative history", F.spc(F.base, objects: ["objectName: s\nobjectType: secret\nobjectVersionHistory: -1"]), [.versionHistoryInvalid]),
        LintCase("history not a number", F.spc(F.base, objects: ["objectName: s\nobjectType: secret\nobjectVersionHistory: many"]), [.versionHistoryInvalid]),
        LintCase("deprecated tenantId", F.spc([F.vault, "tenantId: \"t\""]), [.tenantDeprecated]),
        LintCase("tenantID and tenantId differ", F.spc(F.base + ["tenantId: \"other\""]), [.tenantConflict]),
        LintCase("unknown cloud", F.spc(F.base + ["cloudName: \"AzurePublicClod\""]), [.cloudInvalid]),
        LintCase("Azure Stack without its file", F.spc(F.base + ["cloudName: \"AzureStackCloud\""]), [.cloudInvalid]),
        LintCase("service principal without a secret", F.spc(F.base), secrets: [:], [.servicePrincipalSecretMissing]),
        LintCase("service principal without clientsecret", F.spc(F.base), secrets: ["clientid": "app"], [.servicePrincipalSecretMissing]),
        LintCase("placeholder left in", F.spc(["keyvaultName: <KEYVAULT_NAME>", F.tenant]), [.placeholder]),
        LintCase("no SecretProviderClass", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n", [.noSecretProviderClass]),
        LintCase("invalid YAML", "apiVersion: v1\nkind: [SecretProviderClass\n", [.yamlInvalid]),
        LintCase("another provider", F.spc(F.base, provider: "gcp"), [.provider]),
        LintCase("parameters from old examples", F.spc(F.base + ["resourceGroup: \"rg\""]), [.ignoredParameter]),
        LintCase("userAssignedIdentityID without useVMManagedIdentity", F.spc(F.base + ["userAssignedIdentityID: \"id\""]), [.ignoredIdentityParameter]),
        LintCase("clientID with useVMManagedIdentity", F.spc(F.base + ["useVMManagedIdentity: \"true\"", "userAssignedIdentityID: \"id\"", "clientID: \"app\""]), [.ignoredIdentityParameter]),
        LintCase("many problems at once",
                 F.spc(["tenantid: \"t\"", "usePodIdentity: \"yes\""], objects: ["objectName: k\nobjectType: key\nobjectFormat: pfx", "objectName: s\nobjectType: secret\nobjectAlias: ../s\nfilePermission: \"999\""]),
                 [.unknownParameter, .invalidFlag, .vaultNameMissing, .tenantMissing, .pfxOnNonSecret, .fileNameInvalid, .filePermissionInvalid]),
    ]
}

extension Diagnostics {
    @Suite struct ManifestLinterTests {
        typealias F = LintFixture

        @Test(arguments: LintCase.all)
        func badManifest(_ testCase: LintCase) {
            let findings = ManifestLinter().lint(manifest: testCase.yaml, source: "spc.yaml", attributes: testCase.attributes, secrets: testCase.secrets)
            #expect(findings.map(\.rule.rawValue).sorted() == testCase.expected.map(\.rawValue).sorted(), "\(findings.map(\.description).joined(separator: "\n"))")
            for finding in findings {
                #expect(!finding.message.isEmpty)
                #expect(!finding.fix.isEmpty)
                #expect(!finding.fix.contains("\n"))
            }
        }

        @Test func tableHasAtLeast25BadManifests() {
            #expect(LintCase.all.count >= 25)
            #expect(LintCase.all.allSatisfy { !$0.expected.isEmpty })
        }

        @Test func cleanManifestHasNoFinding() {
            let yaml = F.spc(F.base + ["clientID: \"app\""], objects: [
                F.secret1, "objectName: key1\nobjectType: key", "objectName: cert1\nobjectType: cert\nobjectAlias: tls/cert.pem\nfilePermission: \"0440\"",
                "objectName: pfx1\nobjectType: secret\nobjectFormat: pfx\nobjectEncoding: base64\nobjectAlias: tls/bundle.pfx",
                "objectName: secret1\nobjectType: secret\nobjectAlias: history\nobjectVersionHistory: 3",
            ])
            let findings = ManifestLinter().lint(manifest: yaml, source: "spc.yaml", attributes: F.tokens(F.jwt()), secrets: nil)
            #expect(findings.isEmpty, "\(findings.map(\.description))")
        }

        @Test func unknownKeyGetsTheTenantHint() throws {
            let findings = ManifestLinter().lint(manifest: F.spc([F.vault, "tenantid: \"t\""]))
            let finding = try #require(findings.first { $0.rule == .unknownParameter })
            #expect(finding.message.contains("did you mean `tenantID`?"))
            #expect(finding.message.contains("`tenantId`"))
            #expect(finding.location.parameter == "tenantid")
            #expect(finding.location.line == 9)
            #expect(finding.location.column == 5)
            let typo = ManifestLinter().lint(manifest: F.spc(F.base + ["keyvaultNam: \"kv\""]))
            #expect(typo.first { $0.rule == .unknownParameter }?.message.contains("did you mean `keyvaultName`?") == true)
            #expect(KeySuggestion.suggestions(for: "clientId", among: ManifestLinter.knownParameterKeys) == ["clientID"])
            #expect(KeySuggestion.editDistance("tenantld", "tenantId") == 1)
        }

        @Test func goTextsAreKept() {
            let modes = ManifestLinter().lint(manifest: LintCase.all[0].yaml)
            #expect(modes.contains { $0.message == "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy" })
            let flag = ManifestLinter().lint(manifest: F.spc(F.base + ["usePodIdentity: \"tru\""]))
            #expect(flag.first?.message == "failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing \"tru\": invalid syntax")
            let pfx = ManifestLinter().lint(manifest: F.spc(F.base, objects: ["objectName: key1\nobjectType: key\nobjectFormat: pfx"]))
            #expect(pfx.first?.message == "failed to get objectType:key, objectName:key1, objectVersion:: PFX format only supported for objectType: secret")
            let missing = ManifestLinter().lint(manifest: F.spc(F.base + ["clientID: \"app\""]), attributes: [:])
            #expect(missing.first?.message.hasPrefix("failed to build auth config for mode None: failed to parse workload identity tokens, error: service account tokens not found") == true)
            #expect(missing.first?.fix.contains("tokenRequests") == true)
        }

        @Test func objectFindingsPointAtTheirLineAndColumn() throws {
            let yaml = F.spc(F.base, objects: [F.secret1, "objectName: s\nobjectType: secret\nobjectAlias: ../x"])
            let finding = try #require(ManifestLinter().lint(manifest: yaml, source: "spc.yaml").first)
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLine = try #require(lines.firstIndex { $0.contains("objectAlias: ../x") }) + 1
            #expect(finding.location.objectIndex == 1)
            #expect(finding.location.field == "objectAlias")
            #expect(finding.location.line == expectedLine)
            let line = String(lines[expectedLine - 1])
            #expect(finding.location.column == line.distance(from: line.startIndex, to: line.range(of: "../x")!.lowerBound) + 1)
            #expect(finding.description.hasPrefix("spc.yaml:\(expectedLine):"))
        }

        @Test func findingsEncodeAsJSON() throws {
            let findings = ManifestLinter().lint(manifest: LintCase.all[0].yaml, source: "spc.yaml")
            let data = try JSONEncoder().encode(findings)
            let decoded = try JSONDecoder().decode([LintFinding].self, from: data)
            #expect(decoded == findings)
            #expect(String(decoding: data, as: UTF8.self).contains("\"rule\":\"identity.multipleModes\""))
        }

        @Test func lintNeverPrintsTheTokenOrTheClientSecret() {
            let token = F.jwt(expires: Date().addingTimeInterval(-60))
            let findings = ManifestLinter().lint(manifest: F.spc(F.base + ["clientID: \"app\""]), attributes: F.tokens(token))
                + ManifestLinter().lint(manifest: F.spc(F.base), secrets: ["clientsecret": "very-secret-value"])
            let text = findings.map(\.description).joined()
            #expect(!findings.isEmpty)
            #expect(!text.contains(token))
            #expect(!text.contains("very-secret-value"))
        }
    }
}
