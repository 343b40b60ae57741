import Foundation

/// The process's memory figures from `/proc/self/status` (Linux only; `nil` elsewhere).
enum PeakMemory {
    /// The peak resident set size (`VmHWM`) in KiB.
    static var peakResidentKiB: Int? { field("VmHWM") }

    /// The current resident set size (`VmRSS`) in KiB.
    static var residentKiB: Int? { field("VmRSS") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits)
        }
        return nil
    }
}
