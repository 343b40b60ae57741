import Foundation

/// Shared by the benchmarks (`provider-bench`, `csi-bench`).
///
/// A plain-text table with right-aligned columns (left-aligned first column), printed to standard output.
public struct TextTable {
    /// The title line.
    public var title: String
    /// The column headers.
    public var headers: [String]
    /// The rows.
    public var rows: [[String]] = []

    /// Creates an empty table.
    public init(_ title: String, headers: [String]) {
        self.title = title
        self.headers = headers
    }

    /// Adds a row.
    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as text.
    public func render() -> String {
        let all = [headers] + rows
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * max(0, widths.count - 1))
        return ([title, line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}

/// Number formatting for the tables.
public enum Format {
    /// Milliseconds with one decimal.
    public static func ms(_ duration: Duration) -> String { fixed(milliseconds(duration), 1) }

    /// A duration in milliseconds.
    public static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// A value with a fixed number of decimals.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
