// MountWriter: the kind of a directory entry, from `st_mode` or `d_type`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The type of a directory entry, as far as the writer cares.
enum FileKind: Equatable, Sendable {
    case regular
    case directory
    case symbolicLink
    case other

    private static let typeMask: UInt32 = 0o170000

    /// The kind encoded in a `st_mode` value.
    init(mode: UInt32) {
        switch mode & Self.typeMask {
        case 0o100000: self = .regular
        case 0o040000: self = .directory
        case 0o120000: self = .symbolicLink
        default: self = .other
        }
    }
}
