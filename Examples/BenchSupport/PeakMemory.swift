import Foundation

/// Shared by the benchmarks. The process's memory figures from `/proc/self/status` (Linux only; `nil` elsewhere).
public enum PeakMemory {
    /// The peak resident set size (`VmHWM`) in KiB.
    public static var peakResidentKiB: Int? { field("VmHWM") }

    /// The current resident set size (`VmRSS`) in KiB.
    public static var residentKiB: Int? { field("VmRSS") }

    /// The peak resident set size (`VmHWM`) of another process, in KiB.
    public static func peakResidentKiB(pid: Int32) -> Int? { field("VmHWM", process: "\(pid)") }

    /// The current resident set size (`VmRSS`) of another process, in KiB.
    public static func residentKiB(pid: Int32) -> Int? { field("VmRSS", process: "\(pid)") }

    private static func field(_ name: String, process: String = "self") -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits)
        }
        return nil
    }
}
