import AzureCore
import AzureCoreTesting
import Foundation
import HTTPTypes
import KeyVaultCore

extension KeyVaultEmulator {
    /// The API versions the emulator accepts in `api-version`.
    public static let supportedAPIVersions: Set<String> = [
        "2016-10-01", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01",
    ]

    /// Answers one request addressed to a vault, as Key Vault would: challenge, token checks, throttling,
    /// access checks, then the operation. Every answer is counted (see ``counters(vault:)``).
    /// - Parameters:
    ///   - request: The request.
    ///   - vault: The vault the request was sent to (the listener's vault).
    /// - Returns: The response.
    public func handle(_ request: KeyVaultEmulatorRequest, vault: String) async -> KeyVaultEmulatorResponse {
        var path = request.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        var response = await respond(request, path: path, vault: vault)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        response.headerFields[.cacheControl] = "no-cache"
        response.headerFields[HTTPField.Name("x-ms-request-id")!] = UUID().uuidString.lowercased()
        response.headerFields[HTTPField.Name("x-ms-keyvault-service-version")!] = "1.9.0.0"
        response.headerFields[HTTPField.Name("x-ms-keyvault-region")!] = configuration.location
        response.headerFields[HTTPField.Name("x-ms-keyvault-network-info")!] =
            "conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;"
        if let key = vaultKey(vault) {
            vaults[key]?.counters.record(path: path, status: response.status.code)
        }
        return response
    }

    // MARK: Pipeline

    private func respond(_ request: KeyVaultEmulatorRequest, path: String, vault: String) async
        -> KeyVaultEmulatorResponse
    {
        guard let key = vaultKey(vault), let tenant = vaults[key]?.tenantID else {
            return Self.failure(.notFound, "VaultNotFound", "No vault named \(vault) is served here.")
        }
        var caller: KeyVaultAccessTokenClaims?
        if configuration.requireAuthentication {
            switch await authenticate(request, tenantID: tenant) {
            case .success(let claims): caller = claims
            case .failure(let response): return response
            }
        }
        if let throttled = consumeBudget(vault: key) { return throttled }
        guard let apiVersion = request.query["api-version"], !apiVersion.isEmpty else {
            return Self.failure(.badRequest, "BadParameter", "The api-version query parameter is missing.")
        }
        guard Self.supportedAPIVersions.contains(apiVersion) else {
            return Self.failure(
                .badRequest, "BadParameter",
                "The specified version (\(apiVersion)) is not recognized. Consider using the latest supported version (2025-07-01).")
        }
        let segments = path.split(separator: "/").map(String.init)
        guard let route = Route(method: request.method, segments: segments) else {
            return Self.failure(
                .notFound, "NotFound", "The emulator does not serve \(request.method.rawValue) \(path).")
        }
        if let caller, let denied = authorize(caller, route: route, vault: key) { return denied }
        return operate(route, request: request, vault: key, apiVersion: apiVersion)
    }

    private enum AuthResult {
        case success(KeyVaultAccessTokenClaims)
        case failure(KeyVaultEmulatorResponse)
    }

    private func authenticate(_ request: KeyVaultEmulatorRequest, tenantID: String) async -> AuthResult {
        let authority = configuration.authorityHost.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let challenge = "Bearer authorization=\"\(authority)/\(tenantID)\", resource=\"\(configuration.resource)\""
        func unauthorized(_ message: String) -> AuthResult {
            var response = Self.failure(.unauthorized, "Unauthorized", message)
            response.headerFields[.wwwAuthenticate] = challenge
            return .failure(response)
        }
        guard let header = request.headerFields[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else {
            return unauthorized("AKV10000: Request is missing a Bearer or PoP token.")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let tokenVerifier else {
            return unauthorized("The emulator has no token verifier configured; every token is rejected.")
        }
        let claims: KeyVaultAccessTokenClaims
        do {
            claims = try await tokenVerifier(token)
        } catch {
            return unauthorized("The access token is not valid: its signature or format was rejected.")
        }
        let resource = configuration.resource.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard claims.audience.trimmingCharacters(in: CharacterSet(charactersIn: "/")) == resource else {
            return unauthorized("AKV10022: Invalid audience. Expected \(resource), found: \(claims.audience).")
        }
        guard claims.tenantID.lowercased() == tenantID.lowercased() else {
            return unauthorized(
                "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/\(tenantID)/, found https://sts.windows.net/\(claims.tenantID)/."
            )
        }
        guard claims.expiresOn > now() else {
            return unauthorized("The access token is expired.")
        }
        return .success(claims)
    }

    private func consumeBudget(vault: String) -> KeyVaultEmulatorResponse? {
        guard var state = vaults[vault], let budget = state.throttling else { return nil }
        let current = now()
        if let start = state.windowStart, current.timeIntervalSince(start) < budget.windowSeconds {
            // Same window.
        } else {
            state.windowStart = current
            state.windowCount = 0
        }
        guard state.windowCount < budget.requestsPerWindow else {
            vaults[vault] = state
            var response = Self.failure(
                .tooManyRequests, "Throttled",
                "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached")
            if budget.tellsWindowRemainder, let start = state.windowStart {
                let remainder = max(0, budget.windowSeconds - current.timeIntervalSince(start))
                response.headerFields[HTTPField.Name("x-ms-retry-after-ms")!] = String(Int((remainder * 1000).rounded(.up)))
                response.headerFields[.retryAfter] = String(budget.retryAfterSeconds ?? Int(remainder.rounded(.up)))
            } else if let seconds = budget.retryAfterSeconds {
                response.headerFields[.retryAfter] = String(seconds)
            }
            return response
        }
        state.windowCount += 1
        vaults[vault] = state
        return nil
    }

    // MARK: Authorization

    private func authorize(_ caller: KeyVaultAccessTokenClaims, route: Route, vault: String) -> KeyVaultEmulatorResponse? {
        guard let state = vaults[vault] else { return nil }
        let (action, permission) = route.requirement
        let callerText =
            "appid=\(caller.applicationID ?? caller.objectID);oid=\(caller.objectID);iss=https://sts.windows.net/\(caller.tenantID)/"
        switch state.permissionModel {
        case .rbac:
            let roles = state.roleAssignments[caller.objectID.lowercased()] ?? []
            if roles.contains(where: { $0.grants(action) }) { return nil }
            var resource =
                "/subscriptions/\(configuration.subscriptionID)/resourcegroups/\(configuration.resourceGroup)/providers/microsoft.keyvault/vaults/\(vault.lowercased())"
            if let name = route.objectName { resource += "/\(route.kind.collection)/\(name)" }
            let message = [
                "Caller is not authorized to perform action on resource.",
                "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
                "Caller: \(callerText)",
                "Action: '\(action)'",
                "Resource: '\(resource)'",
                "Assignment: (not found)",
                "DenyAssignmentId: null",
                "DecisionReason: null ",
                "Vault: \(vault);location=\(configuration.location)",
                "",
            ].joined(separator: "\r\n")
            return Self.failure(.forbidden, "Forbidden", message, inner: "ForbiddenByRbac")
        case .accessPolicies:
            let policy = state.accessPolicies[caller.objectID.lowercased()]
            let granted: Set<String>
            switch route.kind {
            case .secret: granted = policy?.secrets ?? []
            case .key: granted = policy?.keys ?? []
            case .certificate: granted = policy?.certificates ?? []
            }
            if granted.contains(permission) || granted.contains("all") { return nil }
            let message =
                "The user, group or application '\(callerText)' does not have \(route.kind.collection) \(permission) permission on key vault '\(vault);location=\(configuration.location)'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287"
            return Self.failure(.forbidden, "Forbidden", message, inner: "AccessDenied")
        }
    }

    // MARK: Operations

    private func operate(_ route: Route, request: KeyVaultEmulatorRequest, vault: String, apiVersion: String)
        -> KeyVaultEmulatorResponse
    {
        let base = request.authority.isEmpty
            ? (servers[vault]?.baseURL.absoluteString ?? "https://\(vault).vault.azure.net")
            : "https://\(request.authority)"
        guard let state = vaults[vault] else { return Self.failure(.notFound, "VaultNotFound", "No such vault.") }
        switch route {
        case .list(let kind):
            return page(kind: kind, name: nil, state: state, request: request, base: base, apiVersion: apiVersion)
        case .versions(let kind, let name):
            return page(kind: kind, name: name, state: state, request: request, base: base, apiVersion: apiVersion)
        case .get(.secret, let name, let version):
            guard let canonical = state.canonicalName(name, in: state.secrets), let list = state.secrets[canonical],
                let index = Self.index(of: version, in: list.map(\.version))
            else { return Self.notFound(.secret, name: name, version: version) }
            let record = list[index]
            guard record.enabled else {
                return Self.failure(
                    .forbidden, "Forbidden", "Operation get is not allowed on a disabled secret.", inner: "SecretDisabled")
            }
            var out = record
            if let wanted = request.query["outcontenttype"], record.keyPath != nil,
                let contentType = record.contentType, wanted != contentType
            {
                guard let converted = Self.convertCertificateSecret(record.value, from: contentType, to: wanted) else {
                    return Self.failure(
                        .badRequest, "BadParameter", "The outContentType \(wanted) is not supported for this secret.")
                }
                out.value = converted
                out.contentType = wanted
            }
            let previous = index > 0 && (apiVersion == "2025-07-01" || apiVersion == "2026-04-01") ? list[index - 1].version : nil
            return Self.ok(KeyVaultWire.secretBundle(out, name: canonical, base: base, previousVersion: previous))
        case .get(.key, let name, let version):
            guard let canonical = state.canonicalName(name, in: state.keys), let list = state.keys[canonical],
                let index = Self.index(of: version, in: list.map(\.version))
            else { return Self.notFound(.key, name: name, version: version) }
            guard list[index].enabled else {
                return Self.failure(
                    .forbidden, "Forbidden", "Operation get is not allowed on a disabled key.", inner: "KeyDisabled")
            }
            return Self.ok(KeyVaultWire.keyBundle(list[index], name: canonical, base: base))
        case .get(.certificate, let name, let version):
            guard let canonical = state.canonicalName(name, in: state.certificates),
                let list = state.certificates[canonical], let index = Self.index(of: version, in: list.map(\.version))
            else { return Self.notFound(.certificate, name: name, version: version) }
            return Self.ok(KeyVaultWire.certificateBundle(list[index], name: canonical, base: base))
        case .policy(let name):
            guard let canonical = state.canonicalName(name, in: state.certificates),
                let record = state.certificates[canonical]?.last
            else { return Self.notFound(.certificate, name: name, version: nil) }
            return Self.ok(KeyVaultWire.certificatePolicy(record, name: canonical, base: base))
        case .setSecret(let name):
            return setSecretOperation(name: name, request: request, vault: vault, base: base)
        case .createKey(let name):
            return createKeyOperation(name: name, request: request, vault: vault, base: base)
        case .importCertificate(let name):
            return importCertificateOperation(name: name, request: request, vault: vault, base: base)
        }
    }

    private func setSecretOperation(name: String, request: KeyVaultEmulatorRequest, vault: String, base: String)
        -> KeyVaultEmulatorResponse
    {
        guard Self.isValidObjectName(name) else { return Self.invalidName(name) }
        guard let body = Self.jsonBody(request), let value = body["value"] as? String else {
            return Self.failure(.badRequest, "BadParameter", "The request body must be a JSON object with a string 'value'.")
        }
        let attributes = body["attributes"] as? [String: Any] ?? [:]
        let tags = body["tags"] as? [String: String] ?? [:]
        do {
            let version = try setSecret(
                vault: vault, name: name, value: value, contentType: body["contentType"] as? String,
                enabled: attributes["enabled"] as? Bool ?? true, tags: tags)
            try mutateVault(vault) { state in
                guard let canonical = state.canonicalName(name, in: state.secrets),
                    let index = state.secrets[canonical]?.lastIndex(where: { $0.version == version })
                else { return }
                state.secrets[canonical]?[index].notBefore = (attributes["nbf"] as? NSNumber)?.int64Value
                state.secrets[canonical]?[index].expires = (attributes["exp"] as? NSNumber)?.int64Value
            }
            guard let state = vaults[vault], let canonical = state.canonicalName(name, in: state.secrets),
                let record = state.secrets[canonical]?.last
            else { return Self.notFound(.secret, name: name, version: nil) }
            return Self.ok(KeyVaultWire.secretBundle(record, name: canonical, base: base, previousVersion: nil))
        } catch {
            return Self.failure(.badRequest, "BadParameter", "The secret cannot be set.")
        }
    }

    private func createKeyOperation(name: String, request: KeyVaultEmulatorRequest, vault: String, base: String)
        -> KeyVaultEmulatorResponse
    {
        guard Self.isValidObjectName(name) else { return Self.invalidName(name) }
        guard let body = Self.jsonBody(request), let kty = body["kty"] as? String else {
            return Self.failure(.badRequest, "BadParameter", "The request body must name a key type (kty).")
        }
        let spec: KeyVaultKeySpec
        switch kty {
        case "RSA", "RSA-HSM": spec = .rsa(bits: (body["key_size"] as? NSNumber)?.intValue ?? 2048)
        case "EC", "EC-HSM": spec = .ec(curve: body["crv"] as? String ?? "P-256")
        default:
            return Self.failure(.badRequest, "BadParameter", "Key type \(kty) is not supported by the emulator.")
        }
        do {
            let version = try createKey(vault: vault, name: name, spec: spec, tags: body["tags"] as? [String: String] ?? [:])
            if let ops = body["key_ops"] as? [String] {
                try mutateVault(vault) { state in
                    guard let canonical = state.canonicalName(name, in: state.keys),
                        let index = state.keys[canonical]?.lastIndex(where: { $0.version == version })
                    else { return }
                    state.keys[canonical]?[index].jwk["key_ops"] = .array(ops.map { .string($0) })
                }
            }
            guard let state = vaults[vault], let canonical = state.canonicalName(name, in: state.keys),
                let record = state.keys[canonical]?.last
            else { return Self.notFound(.key, name: name, version: nil) }
            return Self.ok(KeyVaultWire.keyBundle(record, name: canonical, base: base))
        } catch let error as KeyVaultEmulatorError {
            return Self.failure(.badRequest, "BadParameter", error.message)
        } catch {
            return Self.failure(.badRequest, "BadParameter", "The key cannot be created.")
        }
    }

    private func importCertificateOperation(
        name: String, request: KeyVaultEmulatorRequest, vault: String, base: String
    ) -> KeyVaultEmulatorResponse {
        guard Self.isValidObjectName(name) else { return Self.invalidName(name) }
        guard let body = Self.jsonBody(request), let value = body["value"] as? String else {
            return Self.failure(.badRequest, "BadParameter", "The request body must be a JSON object with a string 'value'.")
        }
        let policy = body["policy"] as? [String: Any]
        let contentType = (policy?["secret_props"] as? [String: Any])?["contentType"] as? String
        let tags = body["tags"] as? [String: String] ?? [:]
        do {
            // PEM arrives as text or, from the SDKs, base64-encoded like a PFX.
            let decoded = value.contains("-----BEGIN") ? nil : Data(base64Encoded: value, options: .ignoreUnknownCharacters)
            let pemText = value.contains("-----BEGIN")
                ? value : decoded.map { String(decoding: $0, as: UTF8.self) }.flatMap { $0.contains("-----BEGIN") ? $0 : nil }
            if let pemText {
                try importCertificate(vault: vault, name: name, pem: pemText, secretContentType: contentType, tags: tags)
            } else {
                guard let pfx = decoded else {
                    return Self.failure(
                        .badRequest, "BadParameter",
                        "The specified certificate content is neither base64 PKCS#12 nor PEM.")
                }
                try importCertificate(
                    vault: vault, name: name, pfx: pfx, password: body["pwd"] as? String ?? "",
                    secretContentType: contentType, tags: tags)
            }
        } catch let error as KeyVaultEmulatorError {
            return Self.failure(
                .badRequest, "BadParameter",
                "The specified X.509 certificate content can not be read (\(error.message)). Please check if the certificate is in valid PKCS#12 or PEM format.")
        } catch {
            return Self.failure(.badRequest, "BadParameter", "The certificate cannot be imported.")
        }
        guard let state = vaults[vault], let canonical = state.canonicalName(name, in: state.certificates),
            let record = state.certificates[canonical]?.last
        else { return Self.notFound(.certificate, name: name, version: nil) }
        return Self.ok(KeyVaultWire.certificateBundle(record, name: canonical, base: base))
    }

    private func page(
        kind: KeyVaultObjectKind, name: String?, state: VaultState, request: KeyVaultEmulatorRequest, base: String,
        apiVersion: String
    ) -> KeyVaultEmulatorResponse {
        var pageSize = 25
        if let text = request.query["maxresults"] {
            guard let value = Int(text), (1...25).contains(value) else {
                return Self.failure(
                    .badRequest, "BadParameter", "The value of maxresults (\(text)) is not valid: expected 1 to 25.")
            }
            pageSize = value
        }
        var offset = 0
        if let token = request.query["$skiptoken"] {
            guard let decoded = Self.decodeSkipToken(token) else {
                return Self.failure(.badRequest, "BadParameter", "The $skiptoken is not valid.")
            }
            offset = decoded
        }
        var items: [JSONValue] = []
        switch (kind, name) {
        case (.secret, let name?):
            guard let canonical = state.canonicalName(name, in: state.secrets), let list = state.secrets[canonical]
            else { return Self.notFound(.secret, name: name, version: nil) }
            items = list.map { KeyVaultWire.secretItem($0, id: "\(base)/secrets/\(canonical)/\($0.version)") }
        case (.secret, nil):
            items = state.secrets.keys.sorted().compactMap { key in
                state.secrets[key]?.last.map { KeyVaultWire.secretItem($0, id: "\(base)/secrets/\(key)") }
            }
        case (.key, let name?):
            guard let canonical = state.canonicalName(name, in: state.keys), let list = state.keys[canonical]
            else { return Self.notFound(.key, name: name, version: nil) }
            items = list.map { KeyVaultWire.keyItem($0, kid: "\(base)/keys/\(canonical)/\($0.version)") }
        case (.key, nil):
            items = state.keys.keys.sorted().compactMap { key in
                state.keys[key]?.last.map { KeyVaultWire.keyItem($0, kid: "\(base)/keys/\(key)") }
            }
        case (.certificate, let name?):
            guard let canonical = state.canonicalName(name, in: state.certificates),
                let list = state.certificates[canonical]
            else { return Self.notFound(.certificate, name: name, version: nil) }
            items = list.map { KeyVaultWire.certificateItem($0, id: "\(base)/certificates/\(canonical)/\($0.version)") }
        case (.certificate, nil):
            items = state.certificates.keys.sorted().compactMap { key in
                state.certificates[key]?.last.map { KeyVaultWire.certificateItem($0, id: "\(base)/certificates/\(key)") }
            }
        }
        let start = min(offset, items.count)
        let end = min(start + pageSize, items.count)
        var nextLink: JSONValue = .null
        if end < items.count {
            var path = "/\(kind.collection)"
            if let name { path += "/\(name)/versions" }
            let host = base.hasPrefix("https://") ? base : "https://\(base)"
            nextLink = .string(
                "\(host)\(path)?api-version=\(apiVersion)&$skiptoken=\(Self.encodeSkipToken(end))&maxresults=\(pageSize)")
        }
        return Self.ok(["value": .array(Array(items[start..<end])), "nextLink": nextLink])
    }

    // MARK: Small helpers

    static func index(of version: String?, in versions: [String]) -> Int? {
        guard let version, !version.isEmpty else { return versions.indices.last }
        return versions.firstIndex { $0.caseInsensitiveCompare(version) == .orderedSame }
    }

    static func encodeSkipToken(_ offset: Int) -> String {
        KeyMaterial.base64URL(Data("{\"NextMarker\":\"\(offset)\"}".utf8))
    }

    static func decodeSkipToken(_ token: String) -> Int? {
        guard let data = Base64URL.decode(token),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: String],
            let marker = object["NextMarker"], let offset = Int(marker), offset >= 0
        else { return nil }
        return offset
    }

    static func jsonBody(_ request: KeyVaultEmulatorRequest) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
    }

    static func ok(_ body: JSONValue) -> KeyVaultEmulatorResponse {
        KeyVaultEmulatorResponse(status: .ok, body: KeyVaultWire.encode(body))
    }

    static func failure(_ status: HTTPResponse.Status, _ code: String, _ message: String, inner: String? = nil)
        -> KeyVaultEmulatorResponse
    {
        KeyVaultEmulatorResponse(status: status, body: KeyVaultWire.error(code: code, message: message, innerCode: inner))
    }

    static func invalidName(_ name: String) -> KeyVaultEmulatorResponse {
        failure(
            .badRequest, "BadParameter",
            "The request URI contains an invalid name: \(name). Names may only contain letters, digits and dashes.")
    }

    static func notFound(_ kind: KeyVaultObjectKind, name: String, version: String?) -> KeyVaultEmulatorResponse {
        let id = version.map { $0.isEmpty ? name : "\(name)/\($0)" } ?? name
        let (code, noun) =
            switch kind {
            case .secret: ("SecretNotFound", "secret")
            case .key: ("KeyNotFound", "key")
            case .certificate: ("CertificateNotFound", "certificate")
            }
        return failure(
            .notFound, code,
            "A \(noun) with (name/id) \(id) was not found in this key vault. If you recently deleted this \(noun) you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
        )
    }

    /// Converts a certificate-backed secret value between PKCS#12 (base64) and PEM, for `outContentType`.
    static func convertCertificateSecret(_ value: String, from: String, to: String) -> String? {
        switch (from, to) {
        case (pkcs12ContentType, pemContentType):
            guard let pfx = Data(base64Encoded: value), let bundle = try? PKCS12Bundle.parse([UInt8](pfx), password: ""),
                let key = bundle.privateKeyPKCS8DER
            else { return nil }
            return PEMBlocks.encode(label: "PRIVATE KEY", der: Data(key))
                + bundle.certificatesDER.map { PEMBlocks.encode(label: "CERTIFICATE", der: Data($0)) }.joined()
        case (pemContentType, pkcs12ContentType):
            let blocks = PEMBlocks.parse(value)
            guard let key = blocks.first(where: { $0.label == "PRIVATE KEY" }),
                let pfx = try? PKCS12Bundle.build(
                    privateKeyPKCS8DER: [UInt8](key.der),
                    certificatesDER: blocks.filter { $0.label == "CERTIFICATE" }.map { [UInt8]($0.der) }, password: "")
            else { return nil }
            return Data(pfx).base64EncodedString()
        default:
            return nil
        }
    }
}

/// The operations the emulator serves, parsed from method and path.
enum Route {
    case list(KeyVaultObjectKind)
    case versions(KeyVaultObjectKind, String)
    case get(KeyVaultObjectKind, String, String?)
    case policy(String)
    case setSecret(String)
    case createKey(String)
    case importCertificate(String)

    init?(method: HTTPRequest.Method, segments: [String]) {
        guard let first = segments.first,
            let kind = KeyVaultObjectKind.allCases.first(where: { $0.collection == first.lowercased() })
        else { return nil }
        switch (method, segments.count) {
        case (.get, 1): self = .list(kind)
        case (.get, 2): self = .get(kind, segments[1], nil)
        case (.get, 3) where segments[2].lowercased() == "versions": self = .versions(kind, segments[1])
        case (.get, 3) where kind == .certificate && segments[2].lowercased() == "policy": self = .policy(segments[1])
        case (.get, 3): self = .get(kind, segments[1], segments[2])
        case (.put, 2) where kind == .secret: self = .setSecret(segments[1])
        case (.post, 3) where kind == .key && segments[2].lowercased() == "create": self = .createKey(segments[1])
        case (.post, 3) where kind == .certificate && segments[2].lowercased() == "import":
            self = .importCertificate(segments[1])
        default: return nil
        }
    }

    var kind: KeyVaultObjectKind {
        switch self {
        case .list(let kind), .versions(let kind, _), .get(let kind, _, _): kind
        case .policy, .importCertificate: .certificate
        case .setSecret: .secret
        case .createKey: .key
        }
    }

    var objectName: String? {
        switch self {
        case .list: nil
        case .versions(_, let name), .get(_, let name, _), .policy(let name), .setSecret(let name),
            .createKey(let name), .importCertificate(let name):
            name
        }
    }

    /// The RBAC data action and the access-policy permission the operation needs.
    var requirement: (action: String, permission: String) {
        switch self {
        case .get(.secret, _, _): ("Microsoft.KeyVault/vaults/secrets/getSecret/action", "get")
        case .list(.secret), .versions(.secret, _): ("Microsoft.KeyVault/vaults/secrets/readMetadata/action", "list")
        case .setSecret: ("Microsoft.KeyVault/vaults/secrets/setSecret/action", "set")
        case .get(.key, _, _): ("Microsoft.KeyVault/vaults/keys/read", "get")
        case .list(.key), .versions(.key, _): ("Microsoft.KeyVault/vaults/keys/read", "list")
        case .createKey: ("Microsoft.KeyVault/vaults/keys/create/action", "create")
        case .get(.certificate, _, _), .policy: ("Microsoft.KeyVault/vaults/certificates/read", "get")
        case .list(.certificate), .versions(.certificate, _): ("Microsoft.KeyVault/vaults/certificates/read", "list")
        case .importCertificate: ("Microsoft.KeyVault/vaults/certificates/import/action", "import")
        }
    }
}
