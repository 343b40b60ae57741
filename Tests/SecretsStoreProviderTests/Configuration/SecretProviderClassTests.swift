import KeyVaultCore
import Foundation
import Testing
@testable import SecretsStoreProvider

@Suite struct SecretProviderClassTests {
    static let manifests = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/manifests")

    static func load(_ file: String) throws -> String {
        try String(contentsOf: manifests.appendingPathComponent(file), encoding: .utf8)
    }

    static let podInfo = ["csi.storage.k8s.io/pod.name": "pod", "csi.storage.k8s.io/pod.namespace": "default"]

    @Test func serviceConnectorManifestSelectsTheAddOnIdentity() throws {
        let spc = try SecretProviderClass(yaml: try Self.load("sc-demo-keyvault-csi.yaml"))
        #expect(spc.name == "sc-demo-keyvault-csi")
        #expect(spc.parameters["useVMManagedIdentity"] == "true")
        var filled = spc
        filled.parameters["keyvaultName"] = "kv-demo"
        filled.parameters["tenantId"] = "tenant"
        filled.parameters["userAssignedIdentityID"] = "addon-client"
        let p = try ProviderParameters(validating: MountRequest(secretProviderClass: filled, attributes: Self.podInfo))
        #expect(p.identity.mode == .managedIdentity)
        #expect(p.identity.clientID == "addon-client")
        #expect(p.objects.map(\.source.objectName) == ["ExampleSecret"])
    }

    @Test func workloadIdentityManifestNeedsTheDriverTokens() throws {
        var spc = try SecretProviderClass(yaml: try Self.load("azure-kvname-wi.yaml"))
        spc.parameters["keyvaultName"] = "kv-demo"
        var attributes = Self.podInfo
        attributes["csi.storage.k8s.io/serviceAccount.tokens"] = #"{"api://AzureADTokenExchange":{"token":"a.b.c","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#
        let p = try ProviderParameters(validating: MountRequest(secretProviderClass: spc, attributes: attributes))
        #expect(p.identity.mode == .workloadIdentity)
        #expect(p.identity.clientID == "<USER_ASSIGNED_CLIENT_ID>")
        #expect(p.objects.map(\.type) == [.secret, .key])
        #expect(p.cloudName == "")
    }

    @Test func userAssignedManifestParses() throws {
        var spc = try SecretProviderClass(yaml: try Self.load("azure-kvname-user-msi.yaml"))
        spc.parameters["keyvaultName"] = "kv-demo"
        let p = try ProviderParameters(validating: MountRequest(secretProviderClass: spc, attributes: Self.podInfo))
        #expect(p.identity.mode == .managedIdentity)
        #expect(p.objects.count == 2)
    }

    @Test func attributesOverrideParameters() throws {
        let spc = SecretProviderClass(name: "x", parameters: ["keyvaultName": "a", "tenantID": "t"])
        let request = MountRequest(secretProviderClass: spc, attributes: ["keyvaultName": "b"])
        #expect(request.parameters["keyvaultName"] == "b")
    }

    @Test func manifestErrorsNameTheSource() {
        #expect(throws: SecretsStoreProviderError.self) { try SecretProviderClass(yaml: "kind: Pod\n", source: "pod.yaml") }
        do {
            _ = try SecretProviderClass(yaml: "apiVersion: v1\nkind: SecretProviderClass\nspec: {provider: vault, parameters: {a: b}}\n", source: "spc.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("spc.yaml: "))
            #expect(error.message.contains("apiVersion"))
        }
        do {
            _ = try SecretProviderClass(yaml: "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nspec: {provider: gcp, parameters: {a: b}}\n", source: "spc.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("spec.provider is \"gcp\""))
        }
    }

    static let valid = "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: app\nspec:\n  provider: azure\n  parameters:\n    keyvaultName: kv\n    tenantID: t\n"

    /// A syntax error, a duplicate key or a bad escape once all read as `no document with kind: SecretProviderClass`
    /// (the document sequence stopped silently at the parser's error).
    @Test(arguments: [
        ("apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nspec:\n  provider: azure\n   parameters: [\n", "line "),
        (valid + "kind: SecretProviderClass\n", "duplicate key 'kind'"),
        (valid.replacingOccurrences(of: "tenantID: t", with: "tenantID: \"bad \\q escape\""), "line 9"),
        (valid + "---\nkey: [unclosed\n", "flow sequence (line 11, column 6)"),
    ])
    func yamlErrorsNameTheirLineAndProblem(yaml: String, expected: String) {
        do {
            _ = try SecretProviderClass(yaml: yaml, source: "spc.yaml")
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.message.hasPrefix("spc.yaml: not valid YAML: "), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("no document with kind"), "\(error.message)")
        }
    }

    @Test func aByteOrderMarkIsAcceptedAndNullIsEmpty() throws {
        let spc = try SecretProviderClass(yaml: "\u{FEFF}" + Self.valid + "    usePodIdentity: ~\n    cloudName: null\n", source: "spc.yaml")
        #expect(spc.parameters["keyvaultName"] == "kv")
        #expect(spc.parameters["usePodIdentity"] == "")
        #expect(spc.parameters["cloudName"] == "")
        let quoted = try SecretProviderClass(yaml: Self.valid + "    cloudName: \"null\"\n", source: "spc.yaml")
        #expect(quoted.parameters["cloudName"] == "null", "a quoted null is the text")
    }

    /// `objectVersion: null` was fetched as a version named "null", and `objectAlias: ~` wrote a file called `~`.
    @Test func nullFieldsOfObjectsAreEmpty() throws {
        let objects = try ObjectsParser.parse("array:\n  - |\n    objectName: s\n    objectType: secret\n    objectVersion: null\n    objectAlias: ~\n    objectVersionHistory: ~\n")
        let object = try #require(objects.first)
        #expect(object.objectVersion == "")
        #expect(object.objectAlias == "")
        #expect(object.fileName == "s")
        #expect(object.objectVersionHistory == 0)
        let duplicate = #expect(throws: SecretsStoreProviderError.self) {
            try ObjectsParser.parse("array:\n  - |\n    objectName: s\n    objectName: t\n    objectType: secret\n")
        }
        #expect(duplicate?.message.contains("duplicate key 'objectName'") == true, "\(String(describing: duplicate))")
    }

    @Test func driverJSONInputs() throws {
        #expect(try MountRequest.decodePermission(Data("\"420\"".utf8)) == 0o644)
        #expect(try MountRequest.decodePermission(Data("384".utf8)) == 0o600)
        #expect(throws: SecretsStoreProviderError.self) { try MountRequest.decodePermission(Data("\"rw\"".utf8)) }
        #expect(try MountRequest.decodeStringMap(Data("null".utf8), what: "secrets").isEmpty)
        #expect(try MountRequest.decodeStringMap(Data(#"{"clientid":"a"}"#.utf8), what: "secrets") == ["clientid": "a"])
        do {
            _ = try MountRequest.decodeStringMap(Data("{oops".utf8), what: "attributes")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("failed to unmarshal attributes, error:"))
        }
    }
}
