import AzureCore
import Foundation
import Logging

/// Tries credentials in order and returns the first token.
///
/// A link that reports itself unavailable (``IdentityError/isUnavailable``: missing configuration, IMDS
/// unreachable, identity not found) is skipped and the reason recorded; any other error stops the chain (a
/// configured credential that is rejected should be fixed, not silently replaced). When every link is skipped the
/// error lists each link and why. The link that succeeded is remembered and asked first next time.
public struct ChainedTokenCredential: TokenCredential {
    /// A named link.
    public struct Link: Sendable {
        /// The name shown in reports.
        public var name: String
        /// The credential.
        public var credential: any TokenCredential

        /// Creates a link.
        /// - Parameters:
        ///   - name: Report name.
        ///   - credential: The credential.
        public init(name: String, credential: any TokenCredential) {
            self.name = name
            self.credential = credential
        }
    }

    /// The links in order.
    public let links: [Link]
    private let logger: Logger
    private let selection = ChainSelection()

    /// Creates a chain.
    /// - Parameters:
    ///   - links: Named credentials in order.
    ///   - logger: Logs each skipped link at debug level and the choice at debug level.
    public init(links: [Link], logger: Logger = Logger(label: "IdentityProviders", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.links = links
        self.logger = logger
    }

    /// Creates a chain from unnamed credentials (named after their type).
    /// - Parameters:
    ///   - credentials: Credentials in order.
    ///   - logger: Logger.
    public init(_ credentials: [any TokenCredential], logger: Logger = Logger(label: "IdentityProviders", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.init(links: credentials.map { Link(name: String(describing: type(of: $0)), credential: $0) }, logger: logger)
    }

    /// Gets a token from the first link that can provide one.
    /// - Parameter request: Scopes, tenant, claims.
    /// - Returns: The token.
    /// - Throws: The first non-unavailable error, or ``IdentityError`` `credentialUnavailable` whose
    ///   ``IdentityError/attempts`` explain every skipped link.
    public func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        if let index = await selection.chosen {
            return try await links[index].credential.getToken(for: request)
        }
        var attempts: [String] = []
        for (index, link) in links.enumerated() {
            do {
                let token = try await link.credential.getToken(for: request)
                logger.debug("credential chain selected a link", metadata: ["link": "\(link.name)", "skipped": "\(attempts)"])
                await selection.choose(index)
                return token
            } catch let error as IdentityError where error.isUnavailable {
                attempts.append("\(link.name): \(error.message)")
                logger.debug("credential chain skipped a link", metadata: ["link": "\(link.name)", "reason": "\(error.message)"])
            }
        }
        throw IdentityError(
            code: .credentialUnavailable, credential: "ChainedTokenCredential",
            message: links.isEmpty ? "the chain has no credentials" : "no credential in the chain could provide a token",
            attempts: attempts
        )
    }
}

/// Remembers which link of a chain worked.
actor ChainSelection {
    var chosen: Int?
    func choose(_ index: Int) { if chosen == nil { chosen = index } }
}

/// A placeholder link that is always unavailable, with the reason (used by ``DefaultAzureCredential`` when a
/// link's configuration is missing).
public struct UnavailableCredential: TokenCredential {
    /// The credential type it stands for.
    public let credential: String
    /// Why it is unavailable.
    public let reason: String

    /// Creates the placeholder.
    /// - Parameters:
    ///   - credential: The credential type.
    ///   - reason: Why it cannot be used.
    public init(credential: String, reason: String) {
        self.credential = credential
        self.reason = reason
    }

    /// Always throws ``IdentityError`` `credentialUnavailable`.
    /// - Parameter request: Ignored.
    /// - Returns: Never.
    /// - Throws: ``IdentityError``.
    public func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        throw IdentityError(code: .credentialUnavailable, credential: credential, message: reason)
    }
}
