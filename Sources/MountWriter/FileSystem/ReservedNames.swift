// MountWriter: the names the writer reserves inside a target directory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The writer's own entries in a target directory; every one starts with `..`.
enum ReservedNames {
    /// The symbolic link to the current data directory.
    static let dataLink = "..data"
    /// The link that is renamed over ``dataLink`` to publish a new data directory.
    static let dataLinkStaging = "..data_tmp"
    /// Prefix of a temporary link renamed over a wrong user-visible entry.
    static let userLinkStagingPrefix = "..link_tmp."
    /// Prefix of a deep subdirectory that ``DirectoryHandle/removeTree(_:)`` moved up into the target to remove
    /// it from there (so that no removal holds more than a few descriptors).
    static let removalPrefix = "..removing."

    /// The target of the user-visible link for a top-level `name`.
    static func userLinkTarget(_ name: String) -> String {
        dataLink + "/" + name
    }

    /// A fresh data directory name: `..YYYY_MM_DD_HH_MM_SS.<random decimal>` with a UTC timestamp, the same
    /// shape as the Kubernetes writer's (`..2021_09_27_08_17_18.3114856258`).
    static func newDataDirectoryName<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let stamp = [
            padded(parts.tm_year + 1900, 4), padded(parts.tm_mon + 1, 2), padded(parts.tm_mday, 2),
            padded(parts.tm_hour, 2), padded(parts.tm_min, 2), padded(parts.tm_sec, 2),
        ].joined(separator: "_")
        return ".." + stamp + "." + String(UInt32.random(in: 0...UInt32.max, using: &generator))
    }

    /// Whether `name` has the shape of a data directory name (ours or the Kubernetes writer's).
    static func isDataDirectoryName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        // "..YYYY_MM_DD_HH_MM_SS." is 22 bytes; at least one suffix byte follows.
        guard bytes.count > 22, bytes[0] == 46, bytes[1] == 46, bytes[21] == 46 else { return false }
        for index in 2..<21 {
            let isSeparator = [6, 9, 12, 15, 18].contains(index)
            let byte = bytes[index]
            if isSeparator ? byte != UInt8(ascii: "_") : !(48...57).contains(byte) { return false }
        }
        return !bytes[22...].contains(UInt8(ascii: "/"))
    }

    /// Whether a `..data` link target is acceptable: the bare name of a data directory in the same folder.
    /// Anything else (an absolute path, a path with `/`, a name of another shape) is never followed.
    static func isAcceptableDataLinkTarget(_ target: String) -> Bool {
        isDataDirectoryName(target)
    }

    /// Whether `name` is a leftover of an interrupted write that the next write removes.
    static func isLeftover(_ name: String, currentDataDirectory: String?) -> Bool {
        if name == dataLinkStaging || name.hasPrefix(userLinkStagingPrefix) || name.hasPrefix(removalPrefix) {
            return true
        }
        return isDataDirectoryName(name) && name != currentDataDirectory
    }
}
