import KeyVaultCore
import Testing
@testable import SecretsStoreProvider

@Suite struct KeyVaultObjectTests {
    static func objects(_ entries: [String]) -> String {
        "array:\n" + entries.map { "  - |\n" + $0.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") }.joined(separator: "\n")
    }

    static func validate(_ entries: [String]) throws(SecretsStoreProviderError) -> [ValidatedKeyVaultObject] {
        var params = ProviderParametersTests.base()
        params["objects"] = objects(entries)
        return try ProviderParameters(validating: MountRequest(parameters: params)).objects
    }

    static func message(_ entries: [String]) -> String? {
        do { _ = try validate(entries); return nil } catch { return error.message }
    }

    @Test func parsesEveryFieldAndTrims() throws {
        let result = try Self.validate(["""
            objectName: " cert1 "
            objectAlias: tls/cert.pem
            objectType: SECRET
            objectVersion: abc
            objectFormat: PFX
            objectEncoding: Base64
            filePermission: 0600
            unknownKey: ignored
            """])
        let object = try #require(result.first)
        #expect(object.source.objectName == "cert1")
        #expect(object.type == .secret)
        #expect(object.format == .pfx)
        #expect(object.encoding == .base64)
        #expect(object.fileMode == 0o600)
        #expect(Array(object.filePaths) == ["tls/cert.pem"])
        #expect(object.versionID(historyIndex: nil) == "secret/cert1")
    }

    @Test func versionHistoryWritesExactlyNFiles() throws {
        let object = try #require(try Self.validate(["objectName: s\nobjectType: secret\nobjectAlias: hist\nobjectVersionHistory: 3"]).first)
        #expect(Array(object.filePaths) == ["hist/0", "hist/1", "hist/2"])
        #expect(object.versionID(historyIndex: 2) == "secret/s/2")
        let single = try #require(try Self.validate(["objectName: s\nobjectType: secret\nobjectVersionHistory: 1"]).first)
        #expect(Array(single.filePaths) == ["s"])
    }

    @Test(arguments: [
        ("objectName: a\nobjectType: secrets", "failed to get objectType:secrets, objectName:a, objectVersion:: Invalid vaultObjectTypes. Should be secret, key, or cert"),
        ("objectName: a\nobjectType: secret\nobjectFormat: der", "failed to get objectType:secret, objectName:a, objectVersion:: invalid objectFormat: der, should be PEM or PFX"),
        ("objectName: a\nobjectType: cert\nobjectFormat: PFX", "failed to get objectType:cert, objectName:a, objectVersion:: PFX format only supported for objectType: secret"),
        ("objectName: a\nobjectType: key\nobjectEncoding: base64", "failed to get objectType:key, objectName:a, objectVersion:: objectEncoding only supported for objectType: secret"),
        ("objectName: a\nobjectType: secret\nobjectEncoding: SECRET_ALIAS", "failed to get objectType:secret, objectName:a, objectVersion:: invalid objectEncoding: SECRET_ALIAS, should be hex, base64 or utf-8"),
        ("objectName: /etc/passwd\nobjectType: secret", "failed to get objectType:secret, objectName:/etc/passwd, objectVersion:: file name must be a relative path"),
        ("objectName: a\nobjectAlias: ../x\nobjectType: secret", "failed to get objectType:secret, objectName:a, objectVersion:: file name must not contain '..'"),
        ("objectName: a\nobjectAlias: dir//x\nobjectType: secret", "failed to get objectType:secret, objectName:a, objectVersion:: invalid filepath: \"dir//x\""),
        ("objectName: ''\nobjectType: secret", "failed to get objectType:secret, objectName:, objectVersion:: objectName is not set"),
    ])
    func goValidationTexts(entry: String, expected: String) {
        #expect(Self.message([entry]) == expected)
    }

    @Test(arguments: ["0900", "900", "rw-r--r--", "01777", "-1"])
    func invalidFilePermissionIsAnErrorNotModeZero(value: String) throws {
        let message = try #require(Self.message(["objectName: a\nobjectType: secret\nfilePermission: \"\(value)\""]))
        #expect(message.contains("file permission must be a valid octal number"))
    }

    @Test func unquotedOctalPermissionIsKeptLiterally() throws {
        let object = try #require(try Self.validate(["objectName: a\nobjectType: secret\nfilePermission: 0755"]).first)
        #expect(object.fileMode == 0o755)
    }

    @Test func duplicateFileNamesAreAnError() throws {
        let message = try #require(Self.message(["objectName: a\nobjectType: secret", "objectName: b\nobjectAlias: a\nobjectType: key"]))
        #expect(message.contains("index 0 (a) and 1 (b)"))
        #expect(message.contains("\"a\""))
        let nested = try #require(Self.message(["objectName: a\nobjectType: secret\nobjectVersionHistory: 2", "objectName: b\nobjectAlias: a/1\nobjectType: secret"]))
        #expect(nested.contains("\"a/1\""))
        let fileAsDir = try #require(Self.message(["objectName: a\nobjectType: secret", "objectName: b\nobjectAlias: a/b\nobjectType: secret"]))
        #expect(fileAsDir.contains("needs as a directory"))
        // Beyond the history's N files there is no conflict; "07" is not a history file name.
        #expect(Self.message(["objectName: a\nobjectType: secret\nobjectVersionHistory: 2", "objectName: b\nobjectAlias: a/2\nobjectType: secret"]) == nil)
        #expect(Self.message(["objectName: a\nobjectType: secret\nobjectVersionHistory: 9", "objectName: b\nobjectAlias: a/07\nobjectType: secret"]) == nil)
        let histories = try #require(Self.message(["objectName: a\nobjectType: secret\nobjectVersionHistory: 2", "objectName: b\nobjectAlias: a\nobjectType: secret\nobjectVersionHistory: 3"]))
        #expect(histories.contains("\"a/0\""), "\(histories)")
        let historyUnderHistory = try #require(Self.message(["objectName: a\nobjectType: secret\nobjectVersionHistory: 2", "objectName: b\nobjectAlias: a/1\nobjectType: secret\nobjectVersionHistory: 3"]))
        #expect(historyUnderHistory.contains("needs as a directory for \"a/1/0\""), "\(historyUnderHistory)")
        let singleThenHistory = try #require(Self.message(["objectName: a\nobjectType: secret", "objectName: b\nobjectAlias: a\nobjectType: secret\nobjectVersionHistory: 3"]))
        #expect(singleThenHistory.contains("is written to the file \"a\""), "\(singleThenHistory)")
    }

    /// Found by the path fuzz target: a "/" followed by a combining mark is one Character, so the rules, compared by
    /// Character, missed an empty component (and a leading "/"); the writer, checking bytes, refused the alias only
    /// after every object was fetched. Aliases deeper than the writer's 64 components are refused up front too.
    @Test func aliasesAreCheckedByteForByteAndByDepth() throws {
        let combining = try #require(Self.message(["objectName: a\nobjectType: secret\nobjectAlias: \"z//\u{030B}/x\""]))
        #expect(combining.contains("invalid filepath"), "\(combining)")
        let rooted = try #require(Self.message(["objectName: a\nobjectType: secret\nobjectAlias: \"/\u{030B}x\""]))
        #expect(rooted.contains("must be a relative path"), "\(rooted)")
        let deep = Array(repeating: "d", count: 65).joined(separator: "/")
        let tooDeep = try #require(Self.message(["objectName: a\nobjectType: secret\nobjectAlias: \(deep)"]))
        #expect(tooDeep.contains("65 directories deep (at most 64 components)"), "\(tooDeep)")
        #expect(Self.message(["objectName: a\nobjectType: secret\nobjectAlias: \(Array(repeating: "d", count: 64).joined(separator: "/"))"]) == nil)
    }

    /// `objectVersionHistory: 2147483647` once allocated an array of that many paths during validation (an abort).
    /// Validation no longer lists the requested paths, and a history above the maximum is refused by name.
    @Test func hugeVersionHistoryIsRefusedAndTheMaximumIsAccepted() throws {
        let huge = try #require(Self.message(["objectName: a\nobjectType: secret\nobjectVersionHistory: 2147483647"]))
        #expect(huge.contains("objectVersionHistory must be at most 10000, got 2147483647"), "\(huge)")
        #expect(huge.hasPrefix("failed to get objectType:secret, objectName:a"), "names the object: \(huge)")
        let entries = (0..<200).map { "objectName: o\($0)\nobjectType: secret\nobjectVersionHistory: 10000" }
        let objects = try Self.validate(entries)
        #expect(objects.count == 200, "the maximum itself is accepted")
    }

    @Test func malformedEntriesNameTheirIndex() throws {
        let bad = try #require(Self.message(["objectName: a\nobjectType: secret", "objectName: b\nobjectVersionHistory: abc"]))
        #expect(bad.hasPrefix("unmarshal failed for keyVaultObjects at index 1, error:"))
        var params = ProviderParametersTests.base()
        params["objects"] = "array: [unclosed"
        #expect(ProviderParametersTests.error(params)?.message.hasPrefix("failed to yaml unmarshal objects, error:") == true)
    }
}
