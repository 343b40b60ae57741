import COpenSSL

/// A private OpenSSL library context with the `default` and `legacy` providers loaded.
///
/// OpenSSL 3 reads RC2-40 (the algorithm Windows and older Key Vault exports use for certificate bags) only through
/// the `legacy` provider, which is not loaded by default. Loading it into the process-wide default context would
/// change the behaviour of every other OpenSSL user in the process, so KeyVaultCore keeps its own context, made
/// once (a lazily initialised, thread-safe `static let`) and never freed, and makes it the calling thread's default
/// only for the duration of one synchronous OpenSSL operation (``withContext(_:)``).
///
/// If the legacy provider cannot be loaded (a minimal OpenSSL without `legacy.so`), everything but the legacy
/// algorithms still works and failures say why (``legacyAvailable``).
final class OpenSSLLibraryContext: @unchecked Sendable {
    // @unchecked: the fields are written once in `init` and only read afterwards; OpenSSL library contexts are
    // documented as safe to use from several threads at once.

    /// The shared context.
    static let shared = OpenSSLLibraryContext()

    /// The `OSSL_LIB_CTX *`, or nil when it could not be created (then the process default is used).
    let context: OpaquePointer?
    /// Whether the `legacy` provider (RC2, DES, RC4, MD4) loaded.
    let legacyAvailable: Bool

    /// Creates a context.
    /// - Parameter moduleDirectory: Where to look for provider modules (`legacy.so`); `nil` for OpenSSL's
    ///   compiled-in directory. Tests pass a directory without modules to exercise the no-legacy path.
    init(moduleDirectory: String? = nil) {
        guard let context = OSSL_LIB_CTX_new() else {
            self.context = nil
            self.legacyAvailable = false
            ERR_clear_error()
            return
        }
        if let moduleDirectory {
            _ = OSSL_PROVIDER_set_default_search_path(context, moduleDirectory)
        }
        let defaultProvider = OSSL_PROVIDER_load(context, "default")
        let legacyProvider = OSSL_PROVIDER_load(context, "legacy")
        ERR_clear_error()
        if defaultProvider == nil {
            // Without the default provider the private context is useless; use the process default instead.
            OSSL_LIB_CTX_free(context)
            self.context = nil
            self.legacyAvailable = false
            return
        }
        self.context = context
        self.legacyAvailable = legacyProvider != nil
    }

    deinit {
        // The providers loaded into the context are unloaded with it.
        if let context { OSSL_LIB_CTX_free(context) }
    }

    /// Runs `body` with this context as the calling thread's default OpenSSL library context, starting and
    /// ending with an empty OpenSSL error queue.
    ///
    /// `body` must be synchronous (OpenSSL's default-context override and error queue are per thread).
    /// - Parameter body: The OpenSSL work.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    func withContext<T>(_ body: () throws -> T) rethrows -> T {
        ERR_clear_error()
        let previous = context.map { OSSL_LIB_CTX_set0_default($0) }
        defer {
            if let previous { OSSL_LIB_CTX_set0_default(previous) }
            ERR_clear_error()
        }
        return try body()
    }

    /// Drains the calling thread's OpenSSL error queue.
    /// - Returns: The queued errors as text (oldest first) and their (library, reason) codes.
    static func drainErrors() -> (text: String, codes: [(library: Int32, reason: Int32)]) {
        var messages: [String] = []
        var codes: [(library: Int32, reason: Int32)] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            codes.append((ERR_GET_LIB(code), ERR_GET_REASON(code)))
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            messages.append(text)
            if messages.count > 8 { break }
        }
        ERR_clear_error()
        return (messages.joined(separator: "; "), codes)
    }
}
