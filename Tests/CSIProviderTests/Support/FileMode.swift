import Foundation

/// The permission bits of a file, without following a symbolic link.
enum FileMode {
    static func of(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }
}
