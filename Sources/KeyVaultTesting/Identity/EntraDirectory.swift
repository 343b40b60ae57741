import AzureCoreTesting
import Crypto
import Foundation
import X509

/// The emulated directory behind ``EntraEmulator``: tenants, app registrations, credentials.
actor EntraDirectory {
    struct RegisteredCertificate {
        var sha1: String
        var sha256: String
        var publicKey: EmulatorJWT.VerificationKey
    }

    struct FederatedCredential: Hashable {
        var issuer: String
        var subject: String
        var audience: String
    }

    struct Application {
        var clientID: String
        var objectID: String
        var secrets: [String] = []
        var certificates: [RegisteredCertificate] = []
        var federated: [FederatedCredential] = []
    }

    var tenants: Set<String> = []
    var applications: [String: [String: Application]] = [:]
    var tokenLifetime: TimeInterval = 3599
    var refreshIn: TimeInterval?

    func ensureTenant(_ tenant: String) {
        tenants.insert(tenant.lowercased())
    }

    func register(tenant: String, clientID: String, objectID: String, secret: String?) {
        let t = tenant.lowercased()
        tenants.insert(t)
        var app = applications[t]?[clientID.lowercased()] ?? Application(clientID: clientID, objectID: objectID)
        app.objectID = objectID
        if let secret { app.secrets.append(secret) }
        applications[t, default: [:]][clientID.lowercased()] = app
    }

    func update(tenant: String, clientID: String, _ body: (inout Application) -> Void) throws {
        let t = tenant.lowercased()
        guard var app = applications[t]?[clientID.lowercased()] else {
            throw EmulatorError(code: .notRegistered, message: "application \(clientID) is not registered in tenant \(tenant)")
        }
        body(&app)
        applications[t]![clientID.lowercased()] = app
    }

    func application(tenant: String, clientID: String) -> Application? {
        applications[tenant.lowercased()]?[clientID.lowercased()]
    }

    func hasTenant(_ tenant: String) -> Bool { tenants.contains(tenant.lowercased()) }

    func setLifetime(_ lifetime: TimeInterval, refreshIn: TimeInterval?) {
        self.tokenLifetime = lifetime
        self.refreshIn = refreshIn
    }

    func lifetimeSettings() -> (TimeInterval, TimeInterval?) { (tokenLifetime, refreshIn) }
}
