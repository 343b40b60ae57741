/// A file produced by a mount: a relative path, its mode and its bytes (the CSI `File` message).
public struct MountedFile: Sendable, Hashable {
    /// The relative path (`secret1`, `history/0`, `tls/cert.pem`).
    public var path: String
    /// The file mode.
    public var mode: UInt32
    /// The contents. Never log them.
    public var contents: [UInt8]

    /// Creates a file.
    public init(path: String, mode: UInt32, contents: [UInt8]) {
        self.path = path
        self.mode = mode
        self.contents = contents
    }
}

extension MountedFile: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The path, mode and size; never the contents.
    public var description: String { "\(path) (mode \(String(mode, radix: 8)), \(contents.count) bytes)" }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the size instead of the contents.
    public var customMirror: Mirror {
        Mirror(self, children: ["path": path, "mode": String(mode, radix: 8), "contents": "<\(contents.count) bytes>"])
    }
}

/// What a mount produced: every file and the Key Vault version behind each object, all or nothing.
public struct MountResult: Sendable, Hashable {
    /// The files, in the order of `objects` (history files in index order).
    public var files: [MountedFile]
    /// Object-version IDs (`<type>/<name>` or `<type>/<name>/<index>`) to Key Vault version IDs.
    public var objectVersions: [String: String]

    /// Creates a result.
    public init(files: [MountedFile], objectVersions: [String: String]) {
        self.files = files
        self.objectVersions = objectVersions
    }
}
