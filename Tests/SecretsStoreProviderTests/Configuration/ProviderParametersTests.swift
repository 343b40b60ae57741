import Testing
@testable import SecretsStoreProvider

/// The Go provider's parameter error cases (provider-azure.md sections 1.2-1.4 and 6), with its texts.
@Suite struct ProviderParametersTests {
    static let objects = """
        array:
          - |
            objectName: secret1
            objectType: secret
        """

    static func base(_ extra: [String: String] = [:], removing: [String] = []) -> [String: String] {
        var p: [String: String] = [
            "csi.storage.k8s.io/pod.name": "pod1",
            "csi.storage.k8s.io/pod.namespace": "default",
            "keyvaultName": "kv-test",
            "tenantId": "tid",
            "useVMManagedIdentity": "true",
            "objects": objects,
        ]
        for key in removing { p[key] = nil }
        p.merge(extra) { _, new in new }
        return p
    }

    static func error(_ parameters: [String: String], secrets: [String: String] = [:]) -> SecretsStoreProviderError? {
        do {
            _ = try ProviderParameters(validating: MountRequest(parameters: parameters, secrets: secrets))
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        (["csi.storage.k8s.io/pod.name"], [String: String](), "pod name is not provided"),
        (["csi.storage.k8s.io/pod.namespace"], [:], "pod namespace is not provided"),
        (["keyvaultName"], [:], "keyvaultName is not provided"),
        (["tenantId"], [:], "tenantId is not provided"),
        (["objects"], [:], "objects is not set"),
        ([], ["usePodIdentity": "tru"], "failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing \"tru\": invalid syntax"),
        ([], ["useVMManagedIdentity": "yes"], "failed to parse useVMManagedIdentity flag, error: strconv.ParseBool: parsing \"yes\": invalid syntax"),
        ([], ["useAzureTokenProxy": "nope"], "failed to parse useAzureTokenProxy flag, error: strconv.ParseBool: parsing \"nope\": invalid syntax"),
        ([], ["usePodIdentity": "true"], "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy"),
    ] as [([String], [String: String], String)])
    func goErrorTexts(removing: [String], extra: [String: String], expected: String) throws {
        let error = try #require(Self.error(Self.base(extra, removing: removing)))
        #expect(error.message == expected)
    }

    @Test func booleansParseAsGoParseBool() throws {
        for text in ["1", "t", "T", "TRUE", "true", "True", " true "] {
            let p = try ProviderParameters(validating: MountRequest(parameters: Self.base(["useVMManagedIdentity": text])))
            #expect(p.identity.mode == .managedIdentity, "\(text)")
        }
        for text in ["0", "f", "F", "FALSE", "false", "False"] {
            let e = try #require(Self.error(Self.base(["useVMManagedIdentity": text])))
            // With managed identity off and no clientID the service principal path is taken.
            #expect(e.message == "failed to build auth config for mode None: failed to get credentials, nodePublishSecretRef secret is not set")
        }
    }

    @Test func tenantIDIsPreferredOverDeprecatedSpelling() throws {
        let p = try ProviderParameters(validating: MountRequest(parameters: Self.base(["tenantID": "new", "tenantId": "old"])))
        #expect(p.identity.tenantID == "new")
        #expect(p.warnings.isEmpty)
        let q = try ProviderParameters(validating: MountRequest(parameters: Self.base()))
        #expect(q.identity.tenantID == "tid")
        #expect(q.warnings.first?.contains("tenantId is deprecated") == true)
    }

    @Test func valuesAreTrimmed() throws {
        let p = try ProviderParameters(validating: MountRequest(parameters: Self.base(["keyvaultName": "  kv-test \n", "userAssignedIdentityID": " 1234 "])))
        #expect(p.keyvaultName == "kv-test")
        #expect(p.identity.clientID == "1234")
    }

    @Test func podIdentityIsRefusedWithAPointerToWorkloadIdentity() throws {
        let e = try #require(Self.error(Self.base(["useVMManagedIdentity": "false", "usePodIdentity": "true"])))
        #expect(e.code == .unsupportedIdentity)
        #expect(e.message.contains("workload identity"))
    }

    @Test func servicePrincipalSecretsAreMatchedCaseInsensitively() throws {
        let params = Self.base(["useVMManagedIdentity": "false"])
        #expect(Self.error(params, secrets: ["other": "x"])?.message == "failed to build auth config for mode None: could not find clientid in secrets")
        #expect(Self.error(params, secrets: ["ClientID": "app"])?.message == "failed to build auth config for mode None: could not find clientsecret in secrets")
        let p = try ProviderParameters(validating: MountRequest(parameters: params, secrets: ["ClientID": "app", "CLIENTSECRET": "s3cr3t-value"]))
        #expect(p.identity.mode == .servicePrincipal)
        #expect(p.identity.clientID == "app")
        #expect(p.identity.clientSecret == "s3cr3t-value")
        #expect(!"\(p.identity)".contains("s3cr3t-value"))
    }

    @Test func workloadIdentityNeedsTheExchangeAudienceToken() throws {
        let params = Self.base(["useVMManagedIdentity": "false", "clientID": "wi-client"])
        #expect(Self.error(params)?.message.hasPrefix("failed to build auth config for mode None: failed to parse workload identity tokens, error: service account tokens not found") == true)
        var bad = params
        bad["csi.storage.k8s.io/serviceAccount.tokens"] = "{not json"
        #expect(Self.error(bad)?.message.contains("failed to unmarshal service account tokens, error:") == true)
        var other = params
        other["csi.storage.k8s.io/serviceAccount.tokens"] = #"{"api://other":{"token":"abc","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#
        #expect(Self.error(other)?.message == "failed to build auth config for mode None: failed to parse workload identity tokens, error: token for audience api://AzureADTokenExchange not found")
        var good = params
        good["csi.storage.k8s.io/serviceAccount.tokens"] = #"{"api://AzureADTokenExchange":{"token":"header.payload.sig","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#
        let p = try ProviderParameters(validating: MountRequest(parameters: good))
        #expect(p.identity.mode == .workloadIdentity)
        #expect(p.identity.serviceAccountToken == "header.payload.sig")
        #expect(!"\(p.identity)".contains("header.payload.sig"))
    }

    @Test func clientIDWithManagedIdentityDoesNotDemandAToken() throws {
        // The Go provider parses SA tokens here and fails without tokenRequests; we do not.
        let p = try ProviderParameters(validating: MountRequest(parameters: Self.base(["clientID": "ignored", "userAssignedIdentityID": "uami"])))
        #expect(p.identity.mode == .managedIdentity)
        #expect(p.identity.clientID == "uami")
    }

    @Test func emptyObjectsArrayMountsNothing() throws {
        let p = try ProviderParameters(validating: MountRequest(parameters: Self.base(["objects": "array: []"])))
        #expect(p.objects.isEmpty)
    }
}
