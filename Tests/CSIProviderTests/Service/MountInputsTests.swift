import CSIProvider
import Foundation
import GRPCCore
import SecretsStoreProvider
import SwiftProtobuf
import Testing

/// The driver's fields decoded as the driver encodes them.
@Suite struct MountInputsTests {
    @Test func decodesWhatTheDriverSends() throws {
        // Go's json.Marshal escapes <, > and & in strings; the objects YAML often holds none, but a value may.
        let attributes = #"{"csi.storage.k8s.io/pod.name":"web-0","csi.storage.k8s.io/pod.namespace":"apps","keyvaultName":"kv","objects":"array:\n  - |\n    objectName: a\u0026b\n    objectType: secret\n","secretProviderClass":"azure-kv"}"#
        let inputs = try MountInputs(attributes: attributes, secrets: "null", permission: "420", targetPath: "/var/lib/kubelet/pods/x/volumes/kubernetes.io~csi/v/mount")
        #expect(inputs.request.parameters["keyvaultName"] == "kv")
        #expect(inputs.request.parameters["objects"]?.contains("objectName: a&b") == true)
        #expect(inputs.request.secrets.isEmpty)
        #expect(inputs.request.defaultFileMode == 0o644)
        #expect(inputs.podName == "web-0" && inputs.podNamespace == "apps" && inputs.secretProviderClass == "azure-kv")
        #expect(inputs.targetPath.hasSuffix("/mount"))
    }

    @Test func secretsObjectAndTokensDeliveredInSecrets() throws {
        let inputs = try MountInputs(
            attributes: #"{"keyvaultName":"kv"}"#,
            secrets: #"{"clientid":"id","clientsecret":"s3cret","csi.storage.k8s.io/serviceAccount.tokens":"{\"api://AzureADTokenExchange\":{\"token\":\"t\"}}"}"#,
            permission: "\"384\"", targetPath: ""
        )
        #expect(inputs.request.secrets == ["clientid": "id", "clientsecret": "s3cret"])
        #expect(inputs.request.parameters[ProviderParameters.Key.serviceAccountTokens]?.contains("AzureADTokenExchange") == true)
        #expect(inputs.request.defaultFileMode == 0o600)
    }

    @Test func tokensInAttributesWin() throws {
        let inputs = try MountInputs(
            attributes: #"{"csi.storage.k8s.io/serviceAccount.tokens":"from-attributes"}"#,
            secrets: #"{"csi.storage.k8s.io/serviceAccount.tokens":"from-secrets"}"#, permission: "420", targetPath: ""
        )
        #expect(inputs.request.parameters[ProviderParameters.Key.serviceAccountTokens] == "from-attributes")
        #expect(inputs.request.secrets.isEmpty)
    }

    @Test(arguments: [
        ("", "null", "420", "failed to unmarshal attributes"),
        ("{", "null", "420", "failed to unmarshal attributes"),
        ("null", "null", "420", ""),
        (#"{"a":1}"#, "null", "420", "failed to unmarshal attributes"),
        ("{}", "[1]", "420", "failed to unmarshal secrets"),
        ("{}", #"{"clientid":null}"#, "420", "failed to unmarshal secrets"),
        ("{}", "null", "", "failed to unmarshal file permission"),
        ("{}", "null", "-1", "failed to unmarshal file permission"),
        ("{}", "null", "512", "failed to unmarshal file permission"),
        ("{}", "null", "\"0644\"x", "failed to unmarshal file permission"),
    ])
    func malformedInputsNameTheField(attributes: String, secrets: String, permission: String, expected: String) {
        do {
            _ = try MountInputs(attributes: attributes, secrets: secrets, permission: permission, targetPath: "")
            #expect(expected.isEmpty, "accepted \(attributes) \(secrets) \(permission)")
        } catch {
            #expect(!expected.isEmpty && error.message.hasPrefix(expected), "\(error.message)")
            #expect(MountStatus.code(for: error) == .invalidArgument)
        }
    }
}

/// The cheap size bound used to skip encoding small responses is never below the real encoded size.
@Suite struct ResponseSizeBoundTests {
    @Test func boundIsAtLeastTheEncodedSize() throws {
        var response = V1alpha1_MountResponse()
        for index in 0..<50 {
            var file = V1alpha1_File()
            file.path = "dir/file-\(index)"
            file.mode = 0o777
            file.contents = .init(repeating: 7, count: index * 300)
            response.files.append(file)
            var version = V1alpha1_ObjectVersion()
            version.id = "secret/file-\(index)"
            version.version = String(repeating: "a", count: 32)
            response.objectVersion.append(version)
        }
        let encoded = (try response.serializedBytes() as [UInt8]).count
        let bound = CSIDriverProviderService.encodedSizeBound(response)
        #expect(bound >= encoded)
        #expect(bound - encoded < 50 * 40, "close enough to decide against the limits")
    }
}
