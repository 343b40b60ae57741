import AzureCore
import Foundation
import HTTPTypes
import Testing

@Suite struct RedactionTests {
    @Test func endpointsDropQueryAndUserInfo() {
        let url = URL(string: "https://user:pw@login.example:8443/t/oauth2/v2.0/token?sig=abc&x=1#frag")!
        #expect(Redaction.endpoint(url) == "https://login.example:8443/t/oauth2/v2.0/token")
    }

    @Test func formsAndHeadersHideSensitiveValues() {
        let form = "grant_type=client_credentials&client_secret=hunter2&client_assertion=eyJabc.def.ghi&scope=x"
        let redacted = Redaction.form(form)
        #expect(!redacted.contains("hunter2"))
        #expect(!redacted.contains("eyJabc"))
        #expect(redacted.contains("scope=x"))
        var fields = HTTPFields()
        fields[.authorization] = "Bearer eyJtoken"
        fields[.contentType] = "text/plain"
        let headers = Redaction.headers(fields)
        #expect(headers["authorization"] == Redaction.placeholder)
        #expect(headers["content-type"] == "text/plain")
    }

    @Test func secretStringNeverPrints() {
        let secret = SecretString("p@ssw0rd-value")
        #expect("\(secret)" == Redaction.placeholder)
        #expect(String(reflecting: secret) == Redaction.placeholder)
        #expect(secret.revealed == "p@ssw0rd-value")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("p@ssw0rd"))
        #expect(dumped.contains(Redaction.placeholder))
        #expect(Mirror(reflecting: secret).children.allSatisfy { "\($0.value)" == Redaction.placeholder })
        struct Holder { let password: SecretString }
        var holder = ""
        dump(Holder(password: secret), to: &holder)
        #expect(!holder.contains("p@ssw0rd"))
        #expect(!String(describing: Holder(password: secret)).contains("p@ssw0rd"))
    }

    @Test func jwtShapedTextIsScrubbed() {
        let text = "failed with token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln and secret abcdef"
        let scrubbed = Redaction.scrub(Redaction.scrubJWTs(text), removing: ["abcdef"])
        #expect(!scrubbed.contains("eyJ"))
        #expect(!scrubbed.contains("abcdef"))
    }

    @Test func proxySettingsFromEnvironment() throws {
        let proxy = try #require(try ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "localhost,.internal.corp,vault.azure.net"]))
        #expect(proxy.host == "proxy.corp")
        #expect(proxy.port == 3128)
        #expect(proxy.bypasses(host: "a.internal.corp"))
        #expect(proxy.bypasses(host: "vault.azure.net"))
        #expect(proxy.bypasses(host: "myvault.vault.azure.net"))
        #expect(proxy.bypasses(host: "127.0.0.1"))
        #expect(!proxy.bypasses(host: "login.microsoftonline.com"))
        #expect(try ProxySettings.fromEnvironment([:]) == nil)
        #expect(throws: AzureCoreError.self) { try ProxySettings.fromEnvironment(["https_proxy": "socks5://x:1"]) }
    }
}
