import AzureCoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// An emulated Azure Instance Metadata Service token endpoint (`GET /metadata/identity/oauth2/token`), over
/// loopback HTTPS.
///
/// Holds the identities assigned to the emulated VM (system-assigned and user-assigned), answers with the real
/// response shape (every number a string) and the real error bodies (missing `Metadata: true`, identity not
/// found, several user-assigned identities and no selector). Tokens are signed by the ``EntraEmulator``'s key,
/// so ``EntraEmulator/verifyAccessToken(_:now:)`` verifies them.
public struct IMDSEmulator: Sendable {
    /// The token path.
    public static let tokenPath = "/metadata/identity/oauth2/token"

    /// The running server.
    public let server: LoopbackHTTPSServer
    /// Fault injection and request counters.
    public let faults: FaultInjector
    private let store: IMDSIdentityStore

    /// The endpoint to configure in a managed identity credential (`https://127.0.0.1:<port>`).
    public var endpoint: URL { server.baseURL }

    /// The full token URL.
    public var tokenURL: URL { server.baseURL.appendingPathComponent("metadata/identity/oauth2/token") }

    /// Starts the emulator.
    /// - Parameters:
    ///   - entra: The Entra emulator whose key signs the tokens.
    ///   - tenantID: The tenant of the emulated VM's identities.
    ///   - certificateAuthority: The test CA.
    ///   - tokenLifetime: Token lifetime in seconds (IMDS gives about 24 h).
    ///   - logger: The server's logger.
    /// - Returns: The running emulator; call ``stop()`` when done.
    /// - Throws: A server start error.
    public static func start(
        entra: EntraEmulator,
        tenantID: String,
        certificateAuthority: TestCertificateAuthority,
        tokenLifetime: TimeInterval = 86399,
        logger: Logger
    ) async throws -> IMDSEmulator {
        let store = IMDSIdentityStore(tenantID: tenantID, lifetime: tokenLifetime)
        let faults = FaultInjector()
        let router = Router()
        router.add(middleware: faults.middleware())
        router.get("metadata/identity/oauth2/token") { request, _ -> Response in
            try await handle(request: request, store: store, entra: entra)
        }
        let server = try await LoopbackHTTPSServer.start(router: router, certificateAuthority: certificateAuthority, logger: logger)
        return IMDSEmulator(server: server, faults: faults, store: store)
    }

    /// Assigns an identity to the emulated VM.
    /// - Parameters:
    ///   - clientID: The identity's client ID.
    ///   - objectID: Its object (principal) ID.
    ///   - resourceID: Its ARM resource ID (user-assigned), used by the `msi_res_id` selector.
    ///   - systemAssigned: Whether this is the VM's system-assigned identity (used when no selector is given).
    public func addManagedIdentity(clientID: String, objectID: String, resourceID: String? = nil, systemAssigned: Bool = false) async {
        await store.add(.init(clientID: clientID, objectID: objectID, resourceID: resourceID, systemAssigned: systemAssigned))
    }

    /// Removes every identity.
    public func removeAllIdentities() async {
        await store.removeAll()
    }

    /// Stops the server.
    public func stop() async {
        await server.stop()
    }

    private static func handle(request: Request, store: IMDSIdentityStore, entra: EntraEmulator) async throws -> Response {
        func failure(_ status: HTTPResponse.Status, _ error: String, _ description: String) throws -> Response {
            try jsonResponse(["error": error, "error_description": description], status: status)
        }
        guard request.headers[HTTPField.Name("Metadata")!]?.lowercased() == "true" else {
            return try failure(.badRequest, "invalid_request", "Required metadata header not specified")
        }
        let query = request.uri.queryParameters
        guard query.get("api-version") != nil else {
            return try failure(.badRequest, "invalid_request", "Required query variable 'api-version' is missing")
        }
        guard let resource = query.get("resource"), !resource.isEmpty else {
            return try failure(.badRequest, "invalid_request", "Required query variable 'resource' is missing")
        }
        let selectors = [("client_id", query.get("client_id")), ("object_id", query.get("object_id")),
                         ("msi_res_id", query.get("msi_res_id") ?? query.get("mi_res_id"))]
            .compactMap { name, value in value.map { (name, $0) } }
        guard selectors.count <= 1 else {
            return try failure(.badRequest, "invalid_request", "Only one of client_id, object_id or msi_res_id may be specified")
        }
        let identities = await store.all()
        let identity: IMDSIdentityStore.Identity
        if let (name, value) = selectors.first {
            let match = identities.first { candidate in
                switch name {
                case "client_id": return candidate.clientID.lowercased() == value.lowercased()
                case "object_id": return candidate.objectID.lowercased() == value.lowercased()
                default: return candidate.resourceID?.lowercased() == value.lowercased()
                }
            }
            guard let match else { return try failure(.badRequest, "invalid_request", "Identity not found") }
            identity = match
        } else if let system = identities.first(where: { $0.systemAssigned }) {
            identity = system
        } else if identities.count == 1 {
            identity = identities[0]
        } else if identities.isEmpty {
            return try failure(.badRequest, "invalid_request", "Identity not found")
        } else {
            return try failure(
                .badRequest, "invalid_request",
                "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request"
            )
        }
        let tenant = store.tenantID
        let lifetime = store.lifetime
        let now = Date()
        let minted = try entra.mintAccessToken(
            tenantID: tenant, audience: resource, clientID: identity.clientID, objectID: identity.objectID,
            lifetime: lifetime, now: now
        )
        let document: [String: String] = [
            "access_token": minted.token,
            "client_id": identity.clientID,
            "expires_in": String(Int(lifetime)),
            "expires_on": String(Int(minted.expiresOn.timeIntervalSince1970)),
            "ext_expires_in": String(Int(lifetime)),
            "not_before": String(Int(now.timeIntervalSince1970)),
            "resource": resource,
            "token_type": "Bearer",
        ]
        return try jsonResponse(document)
    }
}

/// The identities assigned to an emulated VM.
actor IMDSIdentityStore {
    struct Identity: Sendable {
        var clientID: String
        var objectID: String
        var resourceID: String?
        var systemAssigned: Bool
    }

    let tenantID: String
    let lifetime: TimeInterval
    private var identities: [Identity] = []

    init(tenantID: String, lifetime: TimeInterval) {
        self.tenantID = tenantID
        self.lifetime = lifetime
    }

    func add(_ identity: Identity) { identities.append(identity) }
    func removeAll() { identities = [] }
    func all() -> [Identity] { identities }
}
