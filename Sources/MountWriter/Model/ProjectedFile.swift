// MountWriter: one file of a projection.

/// One file to project: its bytes, its exact permission bits and, optionally, its owner.
public struct ProjectedFile: Sendable, Hashable {
    /// The file's contents.
    public var contents: [UInt8]
    /// The permission bits, applied exactly regardless of the process umask (for example `0o644`, `0o440`).
    /// Must fit in `0o7777`.
    public var mode: UInt32
    /// The owner and group to give the file, or `nil` to leave them as the writing process creates them.
    ///
    /// When `nil`, ownership is not managed: it is neither applied nor compared when deciding whether a write
    /// changes anything.
    public var owner: FileOwner?

    /// Creates a file description.
    ///
    /// - Parameters:
    ///   - contents: The file's bytes.
    ///   - mode: The exact permission bits (default `0o644`).
    ///   - owner: The owner and/or group to apply, or `nil` to leave ownership alone.
    public init(contents: [UInt8], mode: UInt32 = 0o644, owner: FileOwner? = nil) {
        self.contents = contents
        self.mode = mode
        self.owner = owner
    }

    /// Creates a file description holding the UTF-8 bytes of a string.
    ///
    /// - Parameters:
    ///   - text: The file's contents, stored as UTF-8.
    ///   - mode: The exact permission bits (default `0o644`).
    ///   - owner: The owner and/or group to apply, or `nil` to leave ownership alone.
    public init(utf8 text: String, mode: UInt32 = 0o644, owner: FileOwner? = nil) {
        self.init(contents: Array(text.utf8), mode: mode, owner: owner)
    }
}

extension ProjectedFile: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The size, mode and owner; never the contents (a projected file usually holds a secret).
    public var description: String {
        "ProjectedFile(\(contents.count) bytes, mode: 0o\(String(mode, radix: 8))"
            + (owner.map { ", owner: \($0)" } ?? "") + ")"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the byte count in place of the contents, so `dump` and reflection never show them.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["contents": "<\(contents.count) bytes redacted>", "mode": mode, "owner": owner as Any],
            displayStyle: .struct
        )
    }
}
