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
}
