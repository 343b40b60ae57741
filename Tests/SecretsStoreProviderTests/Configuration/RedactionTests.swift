import Testing
@testable import SecretsStoreProvider

/// Nothing secret through `description`, `debugDescription`, `dump` or a Mirror of the provider's value types.
@Suite struct RedactionTests {
    static func everyRendering(of value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return ["\(value)", String(reflecting: value), dumped]
    }

    @Test func identityMountRequestAndFilesHideSecrets() {
        let identity = IdentitySelection(mode: .servicePrincipal, tenantID: "t", clientID: "app", serviceAccountToken: "sa.jwt.token", clientSecret: "client-secret-xyz")
        let request = MountRequest(
            parameters: ["keyvaultName": "kv", "csi.storage.k8s.io/serviceAccount.tokens": #"{"api://AzureADTokenExchange":{"token":"sa.jwt.token"}}"#],
            secrets: ["clientid": "app", "clientsecret": "client-secret-xyz"]
        )
        let file = MountedFile(path: "secret1", mode: 0o600, contents: Array("the-secret-value".utf8))
        let content = KeyVaultObjectContent(contents: Array("the-secret-value".utf8), version: "v1")
        for value in [identity, request, file, content] as [Any] {
            for text in Self.everyRendering(of: value) {
                #expect(!text.contains("client-secret-xyz"), "\(type(of: value))")
                #expect(!text.contains("sa.jwt.token"), "\(type(of: value))")
                #expect(!text.contains("the-secret-value"), "\(type(of: value))")
            }
        }
        #expect("\(request)".contains("keyvaultName=kv"))
        #expect("\(file)".contains("16 bytes"))
    }
}
