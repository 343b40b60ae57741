import AzureCore
import AzureCoreTesting
import Foundation

/// A token endpoint in memory, on AzureCoreTesting's `ScriptedTransport`: answers every request with a numbered
/// token (`token-1`, `token-2`, ...) or with a fixed status and body.
enum TokenEndpoint {
    static func transport(status: Int = 200, body: String? = nil) -> ScriptedTransport {
        ScriptedTransport { _, _, index in
            .json(status, body ?? #"{"access_token":"token-\#(index + 1)","expires_in":3600,"token_type":"Bearer"}"#)
        }
    }

    /// The `client_assertion` values the endpoint received, in order.
    static func assertions(_ transport: ScriptedTransport) -> [String] {
        transport.bodies.flatMap { body -> [String] in
            let form = String(decoding: body ?? Data(), as: UTF8.self)
            return form.split(separator: "&").filter { $0.hasPrefix("client_assertion=") }.map {
                $0.dropFirst("client_assertion=".count).removingPercentEncoding ?? ""
            }
        }
    }
}
