// MountWriter: the one recursive walk of a directory tree (used to compare and to read back a data directory).

extension DirectoryHandle {
    /// Visits every entry below this directory, depth first, through directory descriptors: no symbolic link is
    /// followed, and each level holds one descriptor only while it is walked.
    ///
    /// - Parameters:
    ///   - prefix: The relative path of this directory (empty at the top).
    ///   - visit: Gets the parent directory, the entry, its relative path (`a/b/c`) and its kind. For a directory it
    ///     also gets the opened child (`nil` when the entry is no longer a directory), and the walk goes into the
    ///     child when `visit` returns `true`. The return value is ignored for other kinds.
    /// - Throws: ``MountWriterError`` from listing or opening, or what `visit` throws.
    func walk(
        prefix: String = "",
        _ visit: (_ parent: DirectoryHandle, _ entry: Entry, _ path: String, _ kind: FileKind, _ child: DirectoryHandle?)
            throws(MountWriterError) -> Bool
    ) throws(MountWriterError) {
        for entry in try entries() {
            let path = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
            guard let kind = try kind(of: entry) else { continue }
            guard kind == .directory else {
                _ = try visit(self, entry, path, kind, nil)
                continue
            }
            let child = try openDirectory(entry.name)
            defer { child?.release() }
            if try visit(self, entry, path, kind, child), let child {
                try child.walk(prefix: path, visit)
            }
        }
    }
}
