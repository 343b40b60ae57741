import Yams

/// YAML as the provider reads it: every document of a text, with the parser's error (line and column) instead of a
/// silently shorter list, a leading byte-order mark accepted, duplicate keys refused, and `null`/`~` read as empty
/// like Go's yaml.v3.
enum YAMLDocuments {
    /// A YAML problem: where it is (1-based line and column, when the parser knows) and what it is.
    struct Problem: Error {
        var line: Int?
        var column: Int?
        var problem: String

        /// `line 3, column 5: <problem>`, or the problem alone.
        var text: String {
            guard let line else { return problem }
            return "line \(line)\(column.map { ", column \($0)" } ?? ""): \(problem)"
        }
    }

    /// Every document of `text`.
    /// - Throws: ``Problem`` for a syntax error, a duplicate key or a bad escape, at its position.
    static func compose(_ text: String) throws(Problem) -> [Node] {
        let yaml = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        var documents: [Node] = []
        do {
            // UTF-8 given, not `.default`: that reads the whole process environment on every parser (one per object).
            let parser = try Parser(yaml: yaml, encoding: .utf8)
            while let node = try parser.nextRoot() { documents.append(node) }
        } catch {
            throw describe(error)
        }
        return documents
    }

    /// The first document of `text`, or `nil` for an empty text.
    /// - Throws: ``Problem``.
    static func composeOne(_ text: String) throws(Problem) -> Node? {
        try compose(text).first
    }

    /// A parser error as a ``Problem`` (Yams marks count from 1).
    static func describe(_ error: any Error) -> Problem {
        guard let yaml = error as? YamlError else { return Problem(problem: "\(error)") }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) (line \($0.mark.line), column \($0.mark.column)): " } ?? ""
            return Problem(line: mark.line, column: mark.column, problem: prefix + problem)
        case .reader(let problem, let offset, _, _):
            return Problem(problem: "\(problem)\(offset.map { " at byte \($0)" } ?? "")")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return Problem(
                line: context.mark.line, column: context.mark.column,
                problem: "duplicate key \(keys) in one mapping (\(context.text.trimmingWhitespace()))"
            )
        default:
            return Problem(problem: "\(yaml)")
        }
    }
}

extension Node.Scalar {
    /// Whether the scalar is YAML's null (`null`, `Null`, `NULL`, `~` or nothing, unquoted), which Go's yaml.v3
    /// decodes into a string field as the empty string.
    var isNull: Bool {
        style == .plain && ["", "~", "null", "Null", "NULL"].contains(string)
    }
}
