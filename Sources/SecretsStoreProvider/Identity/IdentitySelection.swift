/// The identity a mount uses to reach Key Vault, chosen from the parameters by the Go provider's rules.
///
/// The service-account token and the client secret it may carry are never printed: ``description`` shows the
/// mode and client ID only.
public struct IdentitySelection: Sendable, Hashable {
    /// The modes.
    public enum Mode: String, Sendable, Hashable {
        /// Workload identity: the pod's service-account token exchanged for an Entra token (`clientID` set).
        case workloadIdentity
        /// A managed identity over IMDS (`useVMManagedIdentity: "true"`), system-assigned unless
        /// `userAssignedIdentityID` is set.
        case managedIdentity
        /// A service principal from the node-publish secret (`clientid`/`clientsecret`).
        case servicePrincipal
    }

    /// The mode.
    public var mode: Mode
    /// The tenant of the identity (`tenantID`).
    public var tenantID: String
    /// The client ID: the workload identity's or the service principal's, or the user-assigned managed
    /// identity's (nil for system-assigned).
    public var clientID: String?
    /// The service-account token (workload identity only). Never log it.
    public var serviceAccountToken: String?
    /// The client secret (service principal only). Never log it.
    public var clientSecret: String?

    /// Creates a selection.
    public init(mode: Mode, tenantID: String, clientID: String?, serviceAccountToken: String? = nil, clientSecret: String? = nil) {
        self.mode = mode
        self.tenantID = tenantID
        self.clientID = clientID
        self.serviceAccountToken = serviceAccountToken
        self.clientSecret = clientSecret
    }

    /// What identifies the identity for reuse of its credential and tokens across mounts (without secrets
    /// and without the service-account token, which changes on every kubelet refresh).
    public var cacheKey: String {
        "\(mode.rawValue)|\(tenantID)|\(clientID ?? "system-assigned")"
    }
}

extension IdentitySelection: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the service-account token or the client secret.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "mode": mode, "tenantID": tenantID, "clientID": clientID as Any,
            "serviceAccountToken": serviceAccountToken == nil ? "nil" : "<redacted>",
            "clientSecret": clientSecret == nil ? "nil" : "<redacted>",
        ])
    }

    /// The mode and client ID; never a secret or token.
    public var description: String {
        switch mode {
        case .workloadIdentity: "workload identity (clientID \(clientID ?? "?"), tenant \(tenantID))"
        case .managedIdentity:
            clientID.map { "user-assigned managed identity (client ID \($0))" } ?? "system-assigned managed identity"
        case .servicePrincipal: "service principal (clientID \(clientID ?? "?"), tenant \(tenantID))"
        }
    }
}
