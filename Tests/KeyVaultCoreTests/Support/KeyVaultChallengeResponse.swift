import AzureCore
import AzureCoreTesting
import Foundation

extension HTTPTransportResponse {
    /// Key Vault's 401 challenge, for `ScriptedTransport` handlers.
    static func keyVaultChallenge(
        authorization: String = "https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47",
        resource: String = "https://vault.azure.net"
    ) -> HTTPTransportResponse {
        json(
            401,
            #"{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}"#,
            headers: ["WWW-Authenticate": #"Bearer authorization="\#(authorization)", resource="\#(resource)""#]
        )
    }
}
