import AzureCore
import Testing

/// Text that came from a server is scrubbed and escaped before it reaches a message, a log or a terminal.
@Suite struct ServerTextTests {
    static let secret = "a+b/c d=e&f\"g\\h~1234"

    @Test func aSecretIsRemovedInEveryEncodedForm() {
        let echoes = [
            "client_secret=a%2Bb%2Fc+d%3De%26f%22g%5Ch~1234",  // form body, upper-case hex, + for space
            "client_secret=a%2bb%2fc%20d%3de%26f%22g%5ch~1234",  // lower-case hex, %20
            #"{"client_secret":"a+b\/c d=e&f\"g\\h~1234"}"#,  // JSON-escaped
            "secret a+b/c d=e&f\"g\\h~1234 literal",
        ]
        for echo in echoes {
            let safe = Redaction.serverText(echo, removing: [Self.secret])
            #expect(safe.contains(Redaction.placeholder), "\(echo) -> \(safe)")
            #expect(!safe.contains("~1234"), "\(echo) -> \(safe)")
        }
    }

    @Test func tokenShapedTextIsRemovedAndIdentifiersStay() {
        let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.c2lnbmF0dXJl"
        let opaque = "Zx8Qm2Lk9PqR4tVw7Yb3Nc6Hd1Jf5Gs0AeUiOo2KyTr8"
        let text = "Authorization: Bearer \(token) rejected; key \(opaque); bearer abc.def"
        let safe = Redaction.serverText(text)
        #expect(!safe.contains("eyJ"))
        #expect(!safe.contains(opaque))
        #expect(!safe.contains("abc.def"), "whatever follows Bearer: \(safe)")
        let ordinary = "A secret with (name/id) my-very-long-database-password-for-production was not found in vault https://kv.example.test/secrets/x/0123456789abcdef0123456789abcdef (AADSTS700016, 5b1e8d30-3b4a-4c1e-9d7f-0c2b6a8e9f11)"
        #expect(Redaction.serverText(ordinary) == ordinary, "names, versions, URLs, GUIDs and AADSTS codes stay")
    }

    @Test func controlCharactersAreEscapedOnOneLine() {
        let forged = "denied\nakv-mount: mounted 3 files\r\u{1B}[31mred\u{1B}[0m\u{202E}txt.exe\u{7F}"
        let safe = Redaction.serverText(forged)
        #expect(!safe.contains("\n") && !safe.contains("\r") && !safe.contains("\u{1B}") && !safe.contains("\u{202E}") && !safe.contains("\u{7F}"))
        #expect(safe == #"denied\nakv-mount: mounted 3 files\r\u{1B}[31mred\u{1B}[0m\u{202E}txt.exe\u{7F}"#)
        #expect(Redaction.serverText(String(repeating: "x", count: 5000)).count == 1001, "cut to 1,000 characters and an ellipsis")
    }
}
