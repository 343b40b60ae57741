// MountWriter: path and payload validation (the Kubernetes atomic-writer rules, plus cleanliness, duplicates
// and file/directory conflicts).

/// A payload that passed validation, keyed by clean relative paths.
struct ValidatedPayload {
    /// Files by clean path.
    var files: [String: ProjectedFile]
    /// Every directory the files need (all proper ancestors), by clean path.
    var directories: Set<String>
    /// The first component of every file path: the names that get a user-visible link.
    var topLevelNames: Set<String>
}

/// Checks payload paths before anything on disk is touched.
package enum PayloadValidator {
    /// The longest path accepted, in bytes (Kubernetes `maxPathLength`).
    static let maximumPathLength = 4096
    /// The longest path component accepted, in bytes (Kubernetes `maxFileNameLength`).
    static let maximumComponentLength = 255
    /// The most components a path may have (`a/b/c` has 3). Not a Kubernetes rule: it bounds the descriptors a
    /// write holds (walks hold one per level and never go deeper, see ``DirectoryHandle/walk(prefix:depth:_:)``),
    /// and no real projection comes near it.
    static let maximumDepth = 64

    /// Validates a whole payload; the first problem (in sorted key order) is thrown.
    static func validate(
        _ payload: [String: ProjectedFile],
        policy: AtomicDirectoryWriter.PathPolicy
    ) throws(MountWriterError) -> ValidatedPayload {
        do throws(MountWriterError) {
            return try validate(payload, keys: payload.keys, policy: policy)
        } catch {
            // Report the problem of the smallest key, whatever the dictionary's order.
            return try validate(payload, keys: payload.keys.sorted(), policy: policy)
        }
    }

    private static func validate<Keys: Sequence<String>>(
        _ payload: [String: ProjectedFile],
        keys: Keys,
        policy: AtomicDirectoryWriter.PathPolicy
    ) throws(MountWriterError) -> ValidatedPayload {
        var files: [String: ProjectedFile] = [:]
        files.reserveCapacity(payload.count)
        // Only the clean policy can map two keys to one path.
        var originalKeys: [String: String] = [:]
        for key in keys {
            let file = payload[key]!
            let clean = try cleanPath(of: key, policy: policy)
            guard file.mode & ~UInt32(0o7777) == 0 else {
                throw MountWriterError(
                    code: .invalidMode, path: key,
                    message: "mode 0o\(String(file.mode, radix: 8)) has bits outside 0o7777")
            }
            if clean != key || policy == .clean {
                if let earlier = originalKeys[clean] ?? (files[clean] != nil ? clean : nil) {
                    throw MountWriterError(
                        code: .duplicatePath, path: key,
                        message: "names the same file as \"\(earlier)\" (\"\(clean)\")")
                }
                originalKeys[clean] = key
            }
            files[clean] = file
        }
        var directories: Set<String> = []
        var topLevelNames: Set<String> = []
        for (path, _) in files {
            let utf8 = path.utf8
            var slashes = utf8.indices.filter { utf8[$0] == UInt8(ascii: "/") }[...]
            guard let first = slashes.first else {
                topLevelNames.insert(path)
                continue
            }
            topLevelNames.insert(String(decoding: utf8[..<first], as: UTF8.self))
            while let slash = slashes.popFirst() {
                let ancestor = String(decoding: utf8[..<slash], as: UTF8.self)
                if files[ancestor] != nil {
                    throw MountWriterError(
                        code: .fileWhereDirectoryMustGo, path: originalKeys[path] ?? path,
                        message: "needs \"\(ancestor)\" to be a directory, but the payload also has a file there")
                }
                directories.insert(ancestor)
            }
        }
        return ValidatedPayload(files: files, directories: directories, topLevelNames: topLevelNames)
    }

    /// The clean form of a valid path (see ``cleanComponents(of:policy:)``).
    package static func cleanPath(of path: String, policy: AtomicDirectoryWriter.PathPolicy) throws(MountWriterError) -> String {
        if isCleanAndValid(path) { return path }
        return try cleanComponents(of: path, policy: policy).joined(separator: "/")
    }

    /// A single pass over the bytes that recognises the common case, a valid path that is already clean, without
    /// allocating. Anything else goes through ``cleanComponents(of:policy:)``, which explains the problem.
    package static func isCleanAndValid(_ path: String) -> Bool {
        let bytes = path.utf8
        guard !bytes.isEmpty, bytes.count <= maximumPathLength else { return false }
        var length = 0  // bytes in the current component
        var onlyDots = true  // the current component so far holds only dots
        var isFirst = true
        var firstStartsWithTwoDots = false
        var components = 1
        func componentIsFine() -> Bool {
            length > 0 && length <= maximumComponentLength && !(onlyDots && length <= 2)
        }
        for byte in bytes {
            if byte == 0 { return false }
            if byte == UInt8(ascii: "/") {
                if !componentIsFine() { return false }
                components += 1
                if components > maximumDepth { return false }
                isFirst = false
                length = 0
                onlyDots = true
                continue
            }
            length += 1
            if byte != UInt8(ascii: ".") { onlyDots = false }
            if isFirst && length == 2 && onlyDots { firstStartsWithTwoDots = true }
        }
        return componentIsFine() && !firstStartsWithTwoDots
    }

    /// Applies the Kubernetes `validatePath` rules to one path (in the same order), then the depth limit
    /// (``maximumDepth``, on the clean form), and returns its clean components.
    package static func cleanComponents(
        of path: String,
        policy: AtomicDirectoryWriter.PathPolicy
    ) throws(MountWriterError) -> [String] {
        func invalid(_ code: MountWriterError.Code, _ message: String) -> MountWriterError {
            MountWriterError(code: code, path: path, message: message)
        }
        let bytes = path.utf8
        if bytes.isEmpty { throw invalid(.emptyPath, "must not be empty") }
        if bytes.contains(0) { throw invalid(.invalidCharacter, "must not contain a NUL byte") }
        if bytes.first == UInt8(ascii: "/") { throw invalid(.absolutePath, "must be relative path") }
        if bytes.count > maximumPathLength {
            throw invalid(.pathTooLong, "must be less than or equal to \(maximumPathLength) characters")
        }
        let raw = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for component in raw {
            if component.elementsEqual("..".utf8) { throw invalid(.parentDirectoryReference, "must not contain '..'") }
            if component.count > maximumComponentLength {
                throw invalid(
                    .componentTooLong, "a path component must be less than or equal to \(maximumComponentLength) characters")
            }
        }
        if raw[0].starts(with: "..".utf8) { throw invalid(.reservedName, "must not start with '..'") }
        let clean = raw.filter { !$0.isEmpty && !$0.elementsEqual(".".utf8) }
        if clean.isEmpty { throw invalid(.emptyPath, "names no file once cleaned") }
        if clean.count != raw.count {
            let cleaned = clean.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
            switch policy {
            case .requireClean:
                throw invalid(
                    .uncleanPath,
                    "must be clean (no empty or '.' components, no trailing '/'); the clean form is \"\(cleaned)\"")
            case .clean:
                break
            }
            if clean[0].starts(with: "..".utf8) { throw invalid(.reservedName, "must not start with '..' once cleaned") }
        }
        if clean.count > maximumDepth {
            throw invalid(
                .pathTooDeep, "has \(clean.count) components; at most \(maximumDepth) are accepted")
        }
        return clean.map { String(decoding: $0, as: UTF8.self) }
    }
}
