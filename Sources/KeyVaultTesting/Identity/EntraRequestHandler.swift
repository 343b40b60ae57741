import AzureCoreTesting
import AzureCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The request handling of ``EntraEmulator``.
struct EntraRequestHandler: Sendable {
    let directory: EntraDirectory
    let signingKey: P256.Signing.PrivateKey
    let keyID: String
    let fetcher: AsyncHTTPClientTransport
    let logger: Logger

    static let jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    struct Failure: Error {
        var status: HTTPResponse.Status
        var error: String
        var code: Int
        var description: String
    }

    // MARK: Token endpoint

    func token(request: Request, tenant: String) async throws -> Response {
        do {
            return try await issue(request: request, tenant: tenant)
        } catch let failure as Failure {
            return try errorResponse(failure)
        }
    }

    private func issue(request: Request, tenant: String) async throws -> Response {
        guard await directory.hasTenant(tenant) else {
            throw Failure(
                status: .badRequest, error: "invalid_request", code: 90002,
                description: "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            )
        }
        var body = try await request.body.collect(upTo: 1 << 20)
        let form = Self.parseForm(body.readString(length: body.readableBytes) ?? "")
        guard form["grant_type"] == "client_credentials" else {
            throw Failure(status: .badRequest, error: "unsupported_grant_type", code: 70003, description: "The app requested an unsupported grant type '\(form["grant_type"] ?? "")'.")
        }
        guard let clientID = form["client_id"], !clientID.isEmpty else {
            throw Failure(status: .badRequest, error: "invalid_request", code: 900144, description: "The request body must contain the following parameter: 'client_id'.")
        }
        guard let app = await directory.application(tenant: tenant, clientID: clientID) else {
            throw Failure(
                status: .badRequest, error: "unauthorized_client", code: 700016,
                description: "Application with identifier '\(clientID)' was not found in the directory '\(tenant)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
            )
        }
        let scopes = (form["scope"] ?? "").split(separator: " ").map(String.init)
        guard scopes.count == 1, scopes[0].hasSuffix("/.default") else {
            throw Failure(
                status: .badRequest, error: "invalid_scope", code: 70011,
                description: "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope \(scopes.joined(separator: " ")) is not valid. Use a single resource with the /.default suffix."
            )
        }
        let resource = String(scopes[0].dropLast("/.default".count))
        if let secret = form["client_secret"] {
            guard app.secrets.contains(secret) else {
                throw Failure(
                    status: .unauthorized, error: "invalid_client", code: 7000215,
                    description: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientID)'."
                )
            }
        } else if let assertion = form["client_assertion"] {
            guard form["client_assertion_type"] == Self.jwtBearer else {
                throw Failure(status: .badRequest, error: "invalid_request", code: 50027, description: "Invalid client_assertion_type; expected \(Self.jwtBearer).")
            }
            let decoded: EmulatorJWT.Decoded
            do {
                decoded = try EmulatorJWT.decode(assertion)
            } catch {
                throw Failure(status: .badRequest, error: "invalid_request", code: 50027, description: "JWT token is invalid or malformed.")
            }
            try checkTimeRange(decoded)
            if decoded.header["x5t#S256"] != nil || decoded.header["x5t"] != nil {
                try validateCertificateAssertion(decoded, app: app, request: request, tenant: tenant)
            } else {
                try await validateFederatedAssertion(decoded, app: app, tenant: tenant)
            }
        } else {
            throw Failure(
                status: .badRequest, error: "invalid_client", code: 7000218,
                description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
            )
        }
        let (lifetime, refreshIn) = await directory.lifetimeSettings()
        let minted = try Self.mint(
            key: signingKey, keyID: keyID, tenantID: tenant, audience: resource, clientID: app.clientID,
            objectID: app.objectID, lifetime: lifetime, now: Date()
        )
        var document: [String: Any] = [
            "token_type": "Bearer", "expires_in": Int(lifetime), "ext_expires_in": Int(lifetime),
            "access_token": minted.token,
        ]
        if let refreshIn { document["refresh_in"] = Int(refreshIn) }
        logger.trace("entra emulator issued a token", metadata: ["tenant": "\(tenant)", "client_id": "\(clientID)"])
        return try jsonResponse(document, headers: [.cacheControl: "no-store, no-cache"])
    }

    private func checkTimeRange(_ decoded: EmulatorJWT.Decoded) throws {
        let now = Date().timeIntervalSince1970
        let exp = EmulatorJWT.number(decoded.claims["exp"]) ?? 0
        let nbf = EmulatorJWT.number(decoded.claims["nbf"]) ?? EmulatorJWT.number(decoded.claims["iat"]) ?? 0
        guard exp > now - 300, nbf <= now + 300 else {
            let formatter = ISO8601DateFormatter()
            throw Failure(
                status: .badRequest, error: "invalid_client", code: 700024,
                description: "Client assertion is not within its valid time range. Current time: \(formatter.string(from: Date())), assertion valid from \(formatter.string(from: Date(timeIntervalSince1970: nbf))), expiry time of assertion \(formatter.string(from: Date(timeIntervalSince1970: exp)))."
            )
        }
    }

    private func validateCertificateAssertion(_ decoded: EmulatorJWT.Decoded, app: EntraDirectory.Application, request: Request, tenant: String) throws {
        let sha256 = decoded.header["x5t#S256"] as? String
        let sha1 = decoded.header["x5t"] as? String
        func normalized(_ s: String?) -> String? { s?.replacingOccurrences(of: "=", with: "") }
        guard let certificate = app.certificates.first(where: { ($0.sha256 == normalized(sha256)) || ($0.sha1 == normalized(sha1)) }) else {
            throw Failure(
                status: .unauthorized, error: "invalid_client", code: 700027,
                description: "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]"
            )
        }
        guard EmulatorJWT.verify(decoded, with: certificate.publicKey) else {
            throw Failure(status: .unauthorized, error: "invalid_client", code: 700027, description: "Client assertion failed signature validation.")
        }
        let iss = decoded.claims["iss"] as? String
        let sub = decoded.claims["sub"] as? String
        guard iss?.lowercased() == app.clientID.lowercased(), sub?.lowercased() == app.clientID.lowercased() else {
            throw Failure(status: .unauthorized, error: "invalid_client", code: 700021, description: "Client assertion application identifier doesn't match 'client_id' parameter.")
        }
        let host = request.head.authority ?? ""
        let expected = "https://\(host)/\(tenant)/oauth2/v2.0/token"
        let audiences = EmulatorJWT.audiences(decoded.claims["aud"])
        guard audiences.contains(where: { $0.lowercased() == expected.lowercased() }) else {
            throw Failure(
                status: .unauthorized, error: "invalid_client", code: 700212,
                description: "Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCredentials ."
            )
        }
    }

    private func validateFederatedAssertion(_ decoded: EmulatorJWT.Decoded, app: EntraDirectory.Application, tenant: String) async throws {
        let issuer = decoded.claims["iss"] as? String ?? ""
        let subject = decoded.claims["sub"] as? String ?? ""
        let audiences = EmulatorJWT.audiences(decoded.claims["aud"])
        guard app.federated.contains(where: { fic in fic.issuer == issuer && fic.subject == subject && audiences.contains(fic.audience) }) else {
            throw Failure(
                status: .badRequest, error: "invalid_request", code: 70021,
                description: "No matching federated identity record found for presented assertion. Assertion Issuer: '\(issuer)'. Assertion Subject: '\(subject)'. Assertion Audience: '\(audiences.joined(separator: ","))'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"
            )
        }
        let keys: [EmulatorJWT.VerificationKey]
        do {
            keys = try await fetchIssuerKeys(issuer: issuer)
        } catch {
            throw Failure(
                status: .badRequest, error: "invalid_request", code: 90061,
                description: "Request to External OIDC endpoint failed. Issuer: '\(issuer)'."
            )
        }
        guard keys.contains(where: { EmulatorJWT.verify(decoded, with: $0) }) else {
            throw Failure(
                status: .badRequest, error: "invalid_client", code: 700027,
                description: "Client assertion failed signature validation. The assertion was not signed by a key of issuer '\(issuer)'."
            )
        }
    }

    private func fetchIssuerKeys(issuer: String) async throws -> [EmulatorJWT.VerificationKey] {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard let configURL = URL(string: base + "/.well-known/openid-configuration") else {
            throw EmulatorError(code: .invalidConfiguration, message: "bad issuer URL")
        }
        let config = try await fetcher.send(HTTPRequest(method: .get, targetURL: configURL), body: nil)
        guard config.statusCode == 200,
            let document = try JSONSerialization.jsonObject(with: config.body) as? [String: Any],
            let jwksURI = (document["jwks_uri"] as? String).flatMap({ URL(string: $0) })
        else {
            throw EmulatorError(code: .invalidConfiguration, message: "issuer discovery failed")
        }
        let jwks = try await fetcher.send(HTTPRequest(method: .get, targetURL: jwksURI), body: nil)
        guard jwks.statusCode == 200,
            let set = try JSONSerialization.jsonObject(with: jwks.body) as? [String: Any],
            let keys = set["keys"] as? [[String: Any]]
        else {
            throw EmulatorError(code: .invalidConfiguration, message: "issuer JWKS fetch failed")
        }
        return keys.compactMap(EmulatorJWT.key(fromJWK:))
    }

    private func errorResponse(_ failure: Failure) throws -> Response {
        let traceID = UUID().uuidString.lowercased()
        let correlationID = UUID().uuidString.lowercased()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        let timestamp = formatter.string(from: Date())
        let document: [String: Any] = [
            "error": failure.error,
            "error_description": "AADSTS\(failure.code): \(failure.description)\r\nTrace ID: \(traceID)\r\nCorrelation ID: \(correlationID)\r\nTimestamp: \(timestamp)",
            "error_codes": [failure.code],
            "timestamp": timestamp,
            "trace_id": traceID,
            "correlation_id": correlationID,
            "error_uri": "https://login.microsoftonline.com/error?code=\(failure.code)",
        ]
        return try jsonResponse(document, status: failure.status)
    }

    // MARK: Discovery

    func openIDConfiguration(request: Request, tenant: String) async throws -> Response {
        guard await directory.hasTenant(tenant) else {
            return try errorResponse(Failure(status: .badRequest, error: "invalid_tenant", code: 90002, description: "Tenant '\(tenant)' not found."))
        }
        let base = "https://\(request.head.authority ?? "127.0.0.1")"
        let document: [String: Any] = [
            "token_endpoint": "\(base)/\(tenant)/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": "\(base)/\(tenant)/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": "\(base)/\(tenant)/v2.0",
            "request_uri_parameter_supported": false,
            "authorization_endpoint": "\(base)/\(tenant)/oauth2/v2.0/authorize",
            "device_authorization_endpoint": "\(base)/\(tenant)/oauth2/v2.0/devicecode",
            "end_session_endpoint": "\(base)/\(tenant)/oauth2/v2.0/logout",
            "tenant_region_scope": "WW",
            "cloud_instance_name": "microsoftonline.com",
        ]
        return try jsonResponse(document)
    }

    func instanceDiscovery(request: Request) throws -> Response {
        let host = request.head.authority ?? "127.0.0.1"
        let authorization = request.uri.queryParameters.get("authorization_endpoint") ?? "https://\(host)/common/oauth2/v2.0/authorize"
        var tenant = "common"
        if let url = URL(string: authorization), url.pathComponents.count > 1 { tenant = url.pathComponents[1] }
        let document: [String: Any] = [
            "tenant_discovery_endpoint": "https://\(host)/\(tenant)/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [["preferred_network": host, "preferred_cache": host, "aliases": [host]]],
        ]
        return try jsonResponse(document)
    }

    // MARK: Helpers

    static func mint(
        key: P256.Signing.PrivateKey, keyID: String, tenantID: String, audience: String, clientID: String,
        objectID: String, lifetime: TimeInterval, now: Date
    ) throws -> (token: String, expiresOn: Date) {
        let iat = Int(now.timeIntervalSince1970)
        let exp = iat + Int(lifetime)
        let claims: [String: Any] = [
            "aud": audience, "iss": "https://sts.windows.net/\(tenantID)/", "iat": iat, "nbf": iat, "exp": exp,
            "tid": tenantID, "oid": objectID, "sub": objectID, "appid": clientID, "appidacr": "1",
            "idtyp": "app", "ver": "1.0", "uti": UUID().uuidString.lowercased(),
        ]
        let token = try EmulatorJWT.sign(header: ["alg": "ES256", "typ": "JWT", "kid": keyID], claims: claims, key: key)
        return (token, Date(timeIntervalSince1970: TimeInterval(exp)))
    }

    static func parseForm(_ body: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            guard let name = parts.first else { continue }
            result[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
