@testable import SecretsStoreProvider
import Testing

@Suite struct GoQuotingTests {
    @Test(arguments: [
        ("kv_test", #""kv_test""#),
        ("tru", #""tru""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("line\nbreak\ttab\r", #""line\nbreak\ttab\r""#),
        ("bell\u{07}del\u{7F}", #""bell\x07del\x7f""#),
        ("ünï", #""ünï""#),
    ])
    func quotesLikeGo(input: String, expected: String) {
        #expect(GoQuoting.quote(input) == expected)
    }
}
