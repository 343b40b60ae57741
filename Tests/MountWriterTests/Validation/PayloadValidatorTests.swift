// Path and payload validation: the Kubernetes TestValidatePath / TestValidatePayload tables and our additions.

import Testing

@testable import MountWriter

@Suite("Path validation (Kubernetes validatePath)")
struct PathValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var expected: MountWriterError.Code?
        var testDescription: String { name }
    }

    static let kubernetesCases: [Case] = [
        Case(name: "valid 1", path: "i/am/well/behaved.txt", expected: nil),
        Case(name: "valid 2", path: "keepyourheaddownandfollowtherules.txt", expected: nil),
        Case(name: "max path length", path: String(repeating: "a", count: 4097), expected: .pathTooLong),
        Case(name: "max file length", path: String(repeating: "a", count: 256), expected: .componentTooLong),
        Case(name: "absolute failure", path: "/dev/null", expected: .absolutePath),
        Case(name: "reserved path", path: "..sneaky.txt", expected: .reservedName),
        Case(
            name: "contains doubledot 1", path: "hello/there/../../../../../../etc/passwd",
            expected: .parentDirectoryReference),
        Case(name: "contains doubledot 2", path: "hello/../etc/somethingbad", expected: .parentDirectoryReference),
        Case(name: "empty", path: "", expected: .emptyPath),
    ]

    static let additionalCases: [Case] = [
        Case(
            name: "path of exactly 4096 bytes",
            path: Array(repeating: String(repeating: "b", count: 200), count: 20).joined(separator: "/") + "/"
                + String(repeating: "c", count: 76),
            expected: nil),
        Case(name: "64 components", path: String(repeating: "a/", count: 63) + "f", expected: nil),
        Case(name: "65 components", path: String(repeating: "a/", count: 64) + "f", expected: .pathTooDeep),
        Case(name: "1,100 components", path: String(repeating: "a/", count: 1099) + "f", expected: .pathTooDeep),
        Case(name: "4096 bytes in 2048 components", path: String(repeating: "a/", count: 2047) + "aa", expected: .pathTooDeep),
        Case(name: "component of exactly 255 bytes", path: "d/" + String(repeating: "b", count: 255), expected: nil),
        Case(name: "long nested component", path: "d/" + String(repeating: "b", count: 256), expected: .componentTooLong),
        Case(name: "dotfile", path: ".dotfile", expected: nil),
        Case(name: "nested ..-prefixed name is allowed", path: "foo/..bar", expected: nil),
        Case(name: "backslash is an ordinary character", path: "baz\\bar", expected: nil),
        Case(name: "doubledot alone", path: "..", expected: .parentDirectoryReference),
        Case(name: "..data", path: "..data", expected: .reservedName),
        Case(name: "..data_tmp nested", path: "..data_tmp/x", expected: .reservedName),
        Case(name: "trailing doubledot", path: "foo/..", expected: .parentDirectoryReference),
        Case(name: "NUL byte", path: "foo\u{0}bar", expected: .invalidCharacter),
        Case(name: "double slash", path: "foo//bar", expected: .uncleanPath),
        Case(name: "leading dot component", path: "./bar", expected: .uncleanPath),
        Case(name: "inner dot component", path: "foo/./bar", expected: .uncleanPath),
        Case(name: "trailing slash", path: "foo/", expected: .uncleanPath),
        Case(name: "only a dot", path: ".", expected: .emptyPath),
        Case(name: "multi-byte component over 255 bytes", path: String(repeating: "é", count: 128), expected: .componentTooLong),
    ]

    @Test("Kubernetes cases", arguments: kubernetesCases)
    func kubernetes(_ testCase: Case) {
        check(testCase)
    }

    @Test("Additional cases (require-clean policy)", arguments: additionalCases)
    func additional(_ testCase: Case) {
        check(testCase)
    }

    private func check(_ testCase: Case) {
        do {
            let components = try PayloadValidator.cleanComponents(of: testCase.path, policy: .requireClean)
            #expect(testCase.expected == nil, "\(testCase.name): accepted, expected \(testCase.expected!)")
            #expect(components.joined(separator: "/") == testCase.path)
        } catch {
            #expect(error.code == testCase.expected, "\(testCase.name): \(error)")
            #expect(error.path == testCase.path)
        }
    }

    @Test("Kubernetes messages are kept for the familiar errors")
    func messages() throws {
        let cases: [(String, String)] = [
            ("", "must not be empty"),
            ("/dev/null", "must be relative path"),
            (String(repeating: "a", count: 4097), "must be less than or equal to 4096 characters"),
            ("a/../b", "must not contain '..'"),
            ("..sneaky.txt", "must not start with '..'"),
        ]
        for (path, message) in cases {
            let error = try #require(throws: MountWriterError.self) {
                try PayloadValidator.cleanComponents(of: path, policy: .requireClean)
            }
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.contains(message))
        }
    }

    @Test("The allocation-free fast path agrees with the full rules on every short path over a small alphabet")
    func fastPathAgrees() {
        // Every string of up to 5 symbols from an alphabet with the characters that matter.
        let alphabet = ["a", ".", "/", "\u{0}", "é", "b."]
        var paths: [String] = [""]
        var frontier: [String] = [""]
        for _ in 0..<5 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + $0 } }
            paths += frontier
        }
        paths += [String(repeating: "x", count: 255), String(repeating: "x", count: 256), String(repeating: "ab/", count: 1365) + "a"]
        var disagreements: [String] = []
        for path in paths {
            let full = (try? PayloadValidator.cleanComponents(of: path, policy: .requireClean)) != nil
            if PayloadValidator.isCleanAndValid(path) != full { disagreements.append(path) }
        }
        #expect(paths.count > 9000)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    @Test("The clean policy cleans, and rejects a path that becomes reserved once cleaned")
    func cleanPolicy() throws {
        #expect(try PayloadValidator.cleanComponents(of: "foo////bar", policy: .clean) == ["foo", "bar"])
        #expect(try PayloadValidator.cleanComponents(of: "./bar", policy: .clean) == ["bar"])
        #expect(try PayloadValidator.cleanComponents(of: "bar///bar/zab.txt/", policy: .clean) == ["bar", "bar", "zab.txt"])
        let error = try #require(throws: MountWriterError.self) {
            try PayloadValidator.cleanComponents(of: "./..data", policy: .clean)
        }
        #expect(error.code == .reservedName)
    }
}

@Suite("Payload validation (Kubernetes validatePayload)")
struct PayloadValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var keys: [String]
        var expected: Set<String>?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "valid payload", keys: ["foo", "bar"], expected: ["foo", "bar"]),
        Case(name: "payload with path length > 4096 is invalid", keys: [String(repeating: "a", count: 4097)], expected: nil),
        Case(name: "payload with absolute path is invalid", keys: ["/dev/null"], expected: nil),
        Case(name: "payload with reserved path is invalid", keys: ["..sneaky.txt"], expected: nil),
        Case(name: "payload with doubledot path is invalid", keys: ["foo/../etc/password"], expected: nil),
        Case(name: "payload with empty path is invalid", keys: [""], expected: nil),
        Case(name: "payload with unclean path should be cleaned", keys: ["foo////bar"], expected: ["foo/bar"]),
    ]

    @Test("Kubernetes cases (clean policy)", arguments: cases)
    func kubernetes(_ testCase: Case) {
        let input = Dictionary(uniqueKeysWithValues: testCase.keys.map { ($0, ProjectedFile(utf8: "x")) })
        do {
            let validated = try PayloadValidator.validate(input, policy: .clean)
            #expect(Set(validated.files.keys) == testCase.expected, "\(testCase.name)")
        } catch {
            #expect(testCase.expected == nil, "\(testCase.name): \(error)")
        }
    }

    @Test("The require-clean policy (the CSI driver's Validate) rejects foo////bar")
    func requireCleanRejectsUnclean() throws {
        let error = try #require(throws: MountWriterError.self) {
            try PayloadValidator.validate(["foo////bar": ProjectedFile(utf8: "x")], policy: .requireClean)
        }
        #expect(error.code == .uncleanPath)
        #expect(error.path == "foo////bar")
        #expect(error.message.contains("\"foo/bar\""))
    }

    @Test("Two keys that clean to the same path are a duplicate")
    func duplicateAfterCleaning() throws {
        let error = try #require(throws: MountWriterError.self) {
            try PayloadValidator.validate(
                ["a/b": ProjectedFile(utf8: "1"), "a//b": ProjectedFile(utf8: "2")], policy: .clean)
        }
        #expect(error.code == .duplicatePath)
        #expect(error.message.contains("a/b"))
    }

    @Test("A file where a directory must go is rejected, at any depth")
    func fileWhereDirectoryMustGo() throws {
        for keys in [["a", "a/b"], ["x/y", "x/y/z/w"], ["p/q", "p/q/r"]] {
            let input = Dictionary(uniqueKeysWithValues: keys.map { ($0, ProjectedFile(utf8: "x")) })
            let error = try #require(throws: MountWriterError.self) {
                try PayloadValidator.validate(input, policy: .requireClean)
            }
            #expect(error.code == .fileWhereDirectoryMustGo)
            #expect(error.path == keys[1])
        }
    }

    @Test("Modes outside 0o7777 are rejected")
    func invalidMode() throws {
        let error = try #require(throws: MountWriterError.self) {
            try PayloadValidator.validate(["a": ProjectedFile(utf8: "x", mode: 0o10644)], policy: .requireClean)
        }
        #expect(error.code == .invalidMode)
        #expect(error.path == "a")
    }

    @Test("Directories and top-level names are derived from the files")
    func derivedSets() throws {
        let validated = try PayloadValidator.validate(
            payload(["a/b/c.txt": "1", "a/d.txt": "2", "e.txt": "3"]), policy: .requireClean)
        #expect(validated.directories == ["a", "a/b"])
        #expect(validated.topLevelNames == ["a", "e.txt"])
    }
}
