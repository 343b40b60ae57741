import Foundation

/// What ``MountDoctor`` found: every step, in the order they ran.
public struct DoctorReport: Sendable, Hashable, Codable {
    /// The steps.
    public var steps: [DoctorStep]

    /// Creates a report.
    /// - Parameter steps: The steps.
    public init(steps: [DoctorStep]) {
        self.steps = steps
    }

    /// Whether every step that ran passed.
    public var succeeded: Bool { !steps.contains { $0.status == .failed } }

    /// The failed steps.
    public var failures: [DoctorStep] { steps.filter { $0.status == .failed } }

    /// The first step with a check identifier, if any ran.
    /// - Parameter check: The identifier (for example `keyvault.tenant`).
    /// - Returns: The step.
    public func step(_ check: String) -> DoctorStep? { steps.first { $0.check == check } }

    /// One line per step, then a summary line.
    public var text: String {
        var lines = steps.map(\.line)
        let failed = failures.count
        lines.append(failed == 0 ? "all \(steps.count) checks passed" : "\(failed) of \(steps.count) checks failed")
        return lines.joined(separator: "\n")
    }

    /// One JSON object per line (JSON Lines), one record per step.
    /// - Returns: The text.
    /// - Throws: An encoding error (not expected).
    public func jsonLines() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try steps.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n")
    }
}
