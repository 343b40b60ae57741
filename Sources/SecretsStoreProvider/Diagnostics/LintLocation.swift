/// Where a ``LintFinding`` is: the YAML document, the parameter, the object entry, and the line and column in the
/// file when they are known.
public struct LintLocation: Sendable, Hashable, Codable {
    /// The input the finding is about: the manifest file, or `attributes` / `secrets`.
    public var source: String
    /// The index of the YAML document in the file (0-based), when the finding is in the manifest.
    public var document: Int?
    /// The parameter key, when the finding is about one parameter.
    public var parameter: String?
    /// The index of the entry in `objects.array` (0-based), when the finding is about one object.
    public var objectIndex: Int?
    /// The field of the object entry, when the finding is about one field.
    public var field: String?
    /// The line in the file (1-based), when known.
    public var line: Int?
    /// The column in the file (1-based), when known.
    public var column: Int?

    /// Creates a location.
    /// - Parameters:
    ///   - source: The input's name.
    ///   - document: The YAML document index.
    ///   - parameter: The parameter key.
    ///   - objectIndex: The object entry index.
    ///   - field: The object field.
    ///   - line: The 1-based line.
    ///   - column: The 1-based column.
    public init(
        source: String, document: Int? = nil, parameter: String? = nil, objectIndex: Int? = nil, field: String? = nil,
        line: Int? = nil, column: Int? = nil
    ) {
        self.source = source
        self.document = document
        self.parameter = parameter
        self.objectIndex = objectIndex
        self.field = field
        self.line = line
        self.column = column
    }
}

extension LintLocation: CustomStringConvertible {
    /// For example `spc.yaml:14:11 (document 0, objects[1].objectAlias)`.
    public var description: String {
        var text = source
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        var parts: [String] = []
        if let document { parts.append("document \(document)") }
        if let objectIndex {
            parts.append("objects[\(objectIndex)]" + (field.map { ".\($0)" } ?? ""))
        } else if let parameter {
            parts.append("parameters.\(parameter)")
        }
        if !parts.isEmpty { text += " (\(parts.joined(separator: ", ")))" }
        return text
    }
}
