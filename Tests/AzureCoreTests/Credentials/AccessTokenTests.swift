import AzureCore
import Foundation
import Testing

@Suite struct AccessTokenTests {
    @Test func descriptionNeverShowsTheToken() {
        let secret = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-part.signature"
        let token = AccessToken(token: secret, expiresOn: Date(timeIntervalSince1970: 2_000_000_000))
        #expect(!token.description.contains("secret-part"))
        #expect(!"\(token)".contains(secret))
        #expect(!String(reflecting: token).contains(secret))
        #expect(token.description.contains("<redacted>"))
    }

    @Test func dumpAndMirrorNeverShowTheToken() {
        let secret = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.mirror-secret-part.signature"
        let refreshOn = Date(timeIntervalSince1970: 1_999_000_000)
        let token = AccessToken(token: secret, expiresOn: Date(timeIntervalSince1970: 2_000_000_000), refreshOn: refreshOn)
        var dumped = ""
        dump(token, to: &dumped)
        var nested = ""
        dump(["cached": [token]], to: &nested)
        #expect(!dumped.contains("mirror-secret-part"))
        #expect(!nested.contains("mirror-secret-part"))
        #expect(dumped.contains("<redacted>"))
        let children = Mirror(reflecting: token).children
        #expect(children.map(\.label) == ["token", "expiresOn", "refreshOn"])
        #expect(children.first?.value as? String == "<redacted>")
        #expect(children.dropFirst(2).first.map { "\($0.value)" }?.contains("\(refreshOn)") == true)
    }
}
