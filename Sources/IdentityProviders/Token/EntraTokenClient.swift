import AzureCore
import Foundation
import HTTPTypes
import Logging

/// Posts client-credentials requests to `{authority}/{tenant}/oauth2/v2.0/token` and parses the answer.
struct EntraTokenClient: Sendable {
    let credential: String
    let authorityHost: URL
    let transport: any HTTPTransport
    let clock: any AzureClock
    let logger: Logger

    init(credential: String, options: CredentialOptions) {
        self.credential = credential
        self.authorityHost = options.authorityHost
        self.transport = RetryingTransport(wrapping: options.transport, policy: options.retryPolicy, clock: options.clock, logger: options.logger)
        self.clock = options.clock
        self.logger = options.logger
    }

    func tokenEndpoint(tenant: String) -> URL {
        authorityHost.appendingPathComponent(tenant).appendingPathComponent("oauth2/v2.0/token")
    }

    /// Requests a token. `fields` carries the credential part (secret or assertion); `sensitive` lists values to
    /// scrub from any server message.
    func requestToken(
        tenant: String,
        request: TokenRequestContext,
        fields: [(String, String)],
        sensitive: [String]
    ) async throws -> AccessToken {
        let url = tokenEndpoint(tenant: tenant)
        let endpoint = Redaction.endpoint(url)
        // A client secret or assertion goes only over HTTPS (plain HTTP only to loopback), whatever the transport
        // would allow: `CredentialOptions.authorityHost` is not validated when set directly.
        guard AuthorityValidation.isSecureEndpoint(url) else {
            throw IdentityError(
                code: .invalidConfiguration, credential: credential,
                message: "the authority host must use https (plain http only to a loopback address); nothing was sent",
                endpoint: endpoint
            )
        }
        var form: [(String, String)] = [("grant_type", "client_credentials")] + fields
        form.append(("scope", request.scopes.joined(separator: " ")))
        if let claims = request.claims, !claims.isEmpty { form.append(("claims", claims)) }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.accept] = "application/json"
        let requestTime = clock.now()
        logger.debug("requesting token", metadata: ["credential": "\(credential)", "endpoint": "\(endpoint)", "scopes": "\(request.scopes)"])
        let response: HTTPTransportResponse
        do {
            response = try await transport.send(HTTPRequest(method: .post, targetURL: url, headerFields: headers), body: Data(FormEncoding.encode(form).utf8))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw IdentityError(
                code: .transportFailed, credential: credential,
                message: "the token request failed: \(Redaction.serverText(String(describing: error), removing: sensitive))",
                endpoint: endpoint, underlying: error
            )
        }
        return try TokenResponseParser.parse(response, requestTime: requestTime, credential: credential, endpoint: endpoint, sensitive: sensitive, logger: logger)
    }

    /// Requests a token with a JWT client assertion (certificate or federated credential); the assertion is
    /// scrubbed from any server message.
    func requestToken(tenant: String, request: TokenRequestContext, clientID: String, assertion: String) async throws -> AccessToken {
        try await requestToken(
            tenant: tenant, request: request,
            fields: [
                ("client_assertion", assertion),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_id", clientID),
            ],
            sensitive: [assertion]
        )
    }
}

/// Parses token responses of Entra ID and managed-identity endpoints.
enum TokenResponseParser {
    static func parse(
        _ response: HTTPTransportResponse,
        requestTime: Date,
        credential: String,
        endpoint: String,
        sensitive: [String],
        logger: Logger
    ) throws -> AccessToken {
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.statusCode == 200, let object, let token = object["access_token"] as? String, !token.isEmpty else {
            throw error(from: object, status: response.statusCode, credential: credential, endpoint: endpoint, sensitive: sensitive)
        }
        return try accessToken(from: object, token: token, requestTime: requestTime, credential: credential, endpoint: endpoint)
    }

    static func accessToken(from object: [String: Any], token: String, requestTime: Date, credential: String, endpoint: String) throws -> AccessToken {
        let expiresIn = LenientNumber.double(object["expires_in"])
        let expiresOn: Date
        if let on = LenientNumber.double(object["expires_on"]) {
            expiresOn = Date(timeIntervalSince1970: on)
        } else if let expiresIn {
            expiresOn = requestTime.addingTimeInterval(expiresIn)
        } else {
            throw IdentityError(code: .invalidResponse, credential: credential, message: "the token response has neither expires_in nor expires_on", endpoint: endpoint)
        }
        var refreshOn: Date?
        if let refreshIn = LenientNumber.double(object["refresh_in"]), refreshIn > 0 {
            refreshOn = requestTime.addingTimeInterval(refreshIn)
        } else {
            let lifetime = expiresIn ?? expiresOn.timeIntervalSince(requestTime)
            if lifetime >= 7200 { refreshOn = requestTime.addingTimeInterval((lifetime / 2).rounded(.down)) }
        }
        return AccessToken(token: token, expiresOn: expiresOn, refreshOn: refreshOn)
    }

    static func error(from object: [String: Any]?, status: Int, credential: String, endpoint: String, sensitive: [String]) -> IdentityError {
        let oauthError = (object?["error"] as? String).map { Redaction.serverText($0, maximumLength: 100) }
        let rawDescription = object?["error_description"] as? String ?? object?["message"] as? String ?? ""
        let codes = (object?["error_codes"] as? [Any])?.compactMap { LenientNumber.integer($0) } ?? []
        let aadsts = codes.first ?? AADSTSCode.code(in: rawDescription)
        let firstLine = rawDescription.components(separatedBy: "\r\n").first?.components(separatedBy: "\n").first ?? ""
        let scrubbed = Redaction.serverText(firstLine, removing: sensitive)
        let message: String
        if scrubbed.isEmpty {
            message = status == 200 ? "the token response has no access_token" : "the token endpoint answered HTTP \(status)"
        } else {
            message = (oauthError.map { "\($0): " } ?? "") + scrubbed
        }
        return IdentityError(
            code: status == 200 ? .invalidResponse : .authenticationFailed,
            credential: credential,
            message: message,
            aadstsCode: aadsts,
            meaning: aadsts.flatMap(AADSTSCode.meaning(of:)),
            oauthError: oauthError,
            statusCode: status,
            endpoint: endpoint
        )
    }
}
