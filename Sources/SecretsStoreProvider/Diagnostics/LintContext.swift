import AzureCore
import Foundation
import KeyVaultCore
import Yams

/// The state of one lint run: the findings so far and the position being checked.
struct LintContext {
    let source: String
    let lines: [Substring]
    let now: Date
    var document: Int?
    var findings: [LintFinding] = []

    init(source: String, text: String, now: Date) {
        self.source = source
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        self.now = now
    }

    mutating func add(
        _ rule: LintFinding.Rule, _ message: String, fix: String, severity: LintFinding.Severity = .error,
        parameter: String? = nil, object: Int? = nil, field: String? = nil, mark: (line: Int, column: Int)? = nil,
        source: String? = nil
    ) {
        let location = LintLocation(
            source: source ?? self.source, document: source == nil ? document : nil, parameter: parameter,
            objectIndex: object, field: field, line: mark?.line, column: mark?.column
        )
        findings.append(LintFinding(severity: severity, rule: rule, location: location, message: message, fix: fix))
    }

    mutating func yamlError(_ error: any Error) {
        let problem = (error as? YAMLDocuments.Problem) ?? YAMLDocuments.describe(error)
        let mark = problem.line.map { ($0, problem.column ?? 1) }
        add(.yamlInvalid, "not valid YAML: \(problem.problem)", fix: "fix the YAML syntax at the line shown (indentation, quotes, a missing ':', a duplicate key)", mark: mark)
    }

    static func position(_ node: Node?) -> (line: Int, column: Int)? {
        node?.mark.map { ($0.line, $0.column) }
    }

    // MARK: The class

    mutating func lintClass(_ mapping: Node.Mapping, attributes: [String: String]?, secrets: [String: String]?) {
        let apiVersion = mapping["apiVersion"]?.string ?? ""
        if !apiVersion.hasPrefix("secrets-store.csi.x-k8s.io/") {
            add(
                .apiVersion, "apiVersion \(GoValueParsing.goQuote(apiVersion)) is not secrets-store.csi.x-k8s.io/v1",
                fix: "set apiVersion: secrets-store.csi.x-k8s.io/v1", mark: Self.position(mapping["apiVersion"]) ?? mapping.mark.map { ($0.line, $0.column) }
            )
        }
        guard let spec = mapping["spec"]?.mapping else {
            add(.parametersMissing, "spec is missing", fix: "add spec.provider: azure and spec.parameters", mark: mapping.mark.map { ($0.line, $0.column) })
            return
        }
        let provider = spec["provider"]?.string ?? ""
        if provider != "azure" {
            add(
                .provider, "spec.provider is \(GoValueParsing.goQuote(provider)), this provider serves \"azure\"",
                fix: "set spec.provider: azure", mark: Self.position(spec["provider"]) ?? spec.mark.map { ($0.line, $0.column) }
            )
        }
        guard let parametersNode = spec["parameters"], case .mapping(let parameterMap) = parametersNode, !parameterMap.isEmpty else {
            add(
                .parametersMissing, "spec.parameters is missing or empty",
                fix: "add spec.parameters with keyvaultName, tenantID, objects and the identity", mark: Self.position(spec["parameters"])
            )
            return
        }
        var parameters: [String: String] = [:]
        var keyMarks: [String: (line: Int, column: Int)] = [:]
        var valueNodes: [String: Node] = [:]
        for (keyNode, valueNode) in parameterMap {
            guard case .scalar(let keyScalar) = keyNode else { continue }
            let key = keyScalar.string
            keyMarks[key] = Self.position(keyNode)
            valueNodes[key] = valueNode
            guard case .scalar(let scalar) = valueNode else {
                add(
                    .parameterNotString, "spec.parameters.\(key) must be a string",
                    fix: "write \(key) as a quoted string (objects as a block: `objects: |`)", parameter: key, mark: Self.position(valueNode)
                )
                continue
            }
            let tag = valueNode.tag.rawValue
            if scalar.style == .plain, !tag.hasSuffix(":str"), !scalar.string.isEmpty {
                add(
                    .parameterNotString,
                    "spec.parameters.\(key): \(scalar.string) is a YAML \(tag.split(separator: ":").last ?? "value"), not a string; Kubernetes refuses the class (cannot unmarshal into map[string]string)",
                    fix: "quote it: \(key): \"\(scalar.string)\"", parameter: key, mark: Self.position(valueNode)
                )
            }
            parameters[key] = scalar.string
        }
        lintParameterKeys(parameters.keys.sorted { (keyMarks[$0]?.line ?? 0) < (keyMarks[$1]?.line ?? 0) }, marks: keyMarks)
        func value(_ key: String) -> String { (parameters[key] ?? "").trimmingWhitespace() }
        func mark(_ key: String) -> (line: Int, column: Int)? { Self.position(valueNodes[key]) ?? keyMarks[key] }
        for (key, raw) in parameters where raw.contains("<") && raw.contains(">") && key != ProviderParameters.Key.objects {
            add(
                .placeholder, "\(key) is still the placeholder \(GoValueParsing.goQuote(raw))",
                fix: "replace \(raw) with the real value", parameter: key, mark: mark(key)
            )
        }

        // Identity flags.
        var flags: [String: Bool] = [:]
        for key in [ProviderParameters.Key.usePodIdentity, ProviderParameters.Key.useVMManagedIdentity, ProviderParameters.Key.useAzureTokenProxy] {
            let text = value(key)
            guard !text.isEmpty else { continue }
            if let parsed = GoValueParsing.parseBool(text) {
                flags[key] = parsed
            } else {
                add(
                    .invalidFlag, "failed to parse \(key) flag, error: \(GoValueParsing.parseBoolError(text))",
                    fix: "set \(key): \"true\" or \"false\"", parameter: key, mark: mark(key)
                )
            }
        }
        let on = [ProviderParameters.Key.usePodIdentity, ProviderParameters.Key.useVMManagedIdentity, ProviderParameters.Key.useAzureTokenProxy].filter { flags[$0] == true }
        if on.count > 1 {
            add(
                .multipleIdentityModes,
                "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy",
                fix: "set only one of \(on.joined(separator: " and ")) to \"true\"; remove the others or set them to \"false\"",
                parameter: on[1], mark: mark(on[1])
            )
        }
        if flags[ProviderParameters.Key.usePodIdentity] == true {
            add(
                .unsupportedIdentityMode,
                "failed to build auth config for mode PodIdentity: usePodIdentity is not supported: Microsoft Entra pod-managed identity is deprecated; use workload identity instead",
                fix: "remove usePodIdentity, set clientID to the identity's client ID and create a federated credential for the pod's service account",
                parameter: ProviderParameters.Key.usePodIdentity, mark: mark(ProviderParameters.Key.usePodIdentity)
            )
        }
        if flags[ProviderParameters.Key.useAzureTokenProxy] == true {
            add(
                .unsupportedIdentityMode,
                "failed to build auth config for mode AzureTokenProxy: useAzureTokenProxy (AKS identity binding) is not supported by this provider",
                fix: "remove useAzureTokenProxy and use workload identity (clientID with a federated credential)",
                parameter: ProviderParameters.Key.useAzureTokenProxy, mark: mark(ProviderParameters.Key.useAzureTokenProxy)
            )
        }

        // Vault.
        let vault = value(ProviderParameters.Key.keyvaultName)
        if vault.isEmpty {
            add(.vaultNameMissing, "keyvaultName is not provided", fix: "set keyvaultName to the vault's name (the <name> in https://<name>.vault.azure.net)", parameter: ProviderParameters.Key.keyvaultName, mark: mark(ProviderParameters.Key.keyvaultName))
        } else if !(vault.contains("<") && vault.contains(">")) {
            do {
                _ = try KeyVaultClient.vaultURL(vaultName: vault, dnsSuffix: "vault.azure.net")
            } catch {
                add(.vaultNameInvalid, "failed to get vault: \(VaultURLResolver.goText(of: error, vaultName: vault))", fix: "use the vault's name only: 3 to 24 letters, digits and '-', not its URL", parameter: ProviderParameters.Key.keyvaultName, mark: mark(ProviderParameters.Key.keyvaultName))
            }
        }

        // Tenant.
        let tenantID = value(ProviderParameters.Key.tenantID)
        let tenantIdOld = value(ProviderParameters.Key.tenantIdDeprecated)
        if tenantID.isEmpty && tenantIdOld.isEmpty {
            add(.tenantMissing, "tenantId is not provided", fix: "set tenantID to the tenant (directory) ID of the identity and the vault: az account show --query tenantId -o tsv", parameter: ProviderParameters.Key.tenantID, mark: parameterMap.mark.map { ($0.line, $0.column) })
        } else if tenantID.isEmpty {
            add(
                .tenantDeprecated, "tenantId is deprecated and will be removed in a future release. Use 'tenantID' instead",
                fix: "rename tenantId to tenantID (capital D)", severity: .warning,
                parameter: ProviderParameters.Key.tenantIdDeprecated, mark: keyMarks[ProviderParameters.Key.tenantIdDeprecated]
            )
        } else if !tenantIdOld.isEmpty && tenantIdOld.lowercased() != tenantID.lowercased() {
            add(
                .tenantConflict, "tenantID (\(tenantID)) and the deprecated tenantId (\(tenantIdOld)) differ; tenantID is used",
                fix: "remove tenantId and keep the right tenant in tenantID", parameter: ProviderParameters.Key.tenantIdDeprecated,
                mark: keyMarks[ProviderParameters.Key.tenantIdDeprecated]
            )
        }

        // Cloud.
        let cloudName = value(ProviderParameters.Key.cloudName)
        if !cloudName.isEmpty {
            if cloudName.lowercased() == "azurestackcloud" {
                if value(ProviderParameters.Key.cloudEnvFileName).isEmpty {
                    add(.cloudInvalid, "cloudName AzureStackCloud needs cloudEnvFileName", fix: "set cloudEnvFileName to the path of the Azure Stack environment JSON on the node (for example /etc/kubernetes/akscustom.json)", parameter: ProviderParameters.Key.cloudName, mark: mark(ProviderParameters.Key.cloudName))
                }
            } else if !AzureCloud.builtIn.contains(where: { $0.name.lowercased() == cloudName.lowercased() }) {
                let names = AzureCloud.builtIn.map(\.name) + ["AzureStackCloud"]
                let hint = KeySuggestion.hint(KeySuggestion.suggestions(for: cloudName, among: names)).map { " (\($0))" } ?? ""
                add(
                    .cloudInvalid, "cloudName \(cloudName) is not valid, error: autorest/azure: There is no cloud environment matching the name \(GoValueParsing.goQuote(cloudName.uppercased()))",
                    fix: "use one of \(names.joined(separator: ", ")), or remove cloudName for the public cloud\(hint)",
                    parameter: ProviderParameters.Key.cloudName, mark: mark(ProviderParameters.Key.cloudName)
                )
            }
        }

        // Identity inputs.
        lintIdentity(value: value, mark: mark, flags: flags, attributes: attributes, secrets: secrets)

        // Objects.
        let objectsText = parameters[ProviderParameters.Key.objects] ?? ""
        if objectsText.trimmingWhitespace().isEmpty {
            add(.objectsMissing, "objects is not set", fix: "add objects: | with an array of entries (objectName, objectType)", parameter: ProviderParameters.Key.objects, mark: mark(ProviderParameters.Key.objects))
        } else {
            var base: (line: Int, column: Int)?
            if let node = valueNodes[ProviderParameters.Key.objects], case .scalar(let scalar) = node,
               scalar.style == .literal, let at = node.mark {
                // A block scalar: its first content line follows the `|` indicator's line.
                let first = at.line  // 0-based index of the first content line
                let indent = first < lines.count ? lines[first].prefix(while: { $0 == " " }).count : 0
                base = (at.line, indent)
            }
            lintObjects(objectsText, base: base, fallback: mark(ProviderParameters.Key.objects))
        }
    }

    mutating func lintParameterKeys(_ keys: [String], marks: [String: (line: Int, column: Int)]) {
        for key in keys {
            if ManifestLinter.knownParameterKeys.contains(key) { continue }
            if key.hasPrefix("csi.storage.k8s.io/") || key.hasPrefix("secrets-store.csi.k8s.io/") { continue }
            if ManifestLinter.ignoredParameterKeys.contains(key) {
                add(
                    .ignoredParameter, "\(key) is not read by the provider (it comes from an old example)",
                    fix: "remove \(key)", severity: .warning, parameter: key, mark: marks[key]
                )
                continue
            }
            let suggestions = KeySuggestion.suggestions(for: key, among: ManifestLinter.knownParameterKeys)
            var hint = KeySuggestion.hint(suggestions)
            if suggestions.contains(where: { $0.lowercased() == "tenantid" }) {
                hint = "did you mean `tenantID`? (`tenantId` also works but is deprecated; keys are case-sensitive)"
            }
            if let hint {
                add(
                    .unknownParameter, "unknown parameter \(GoValueParsing.goQuote(key)): \(hint)",
                    fix: "rename \(key) to \(suggestions.first.map { $0.lowercased() == "tenantid" ? "tenantID" : $0 } ?? key); parameter keys are case-sensitive and an unknown key is silently ignored",
                    parameter: key, mark: marks[key]
                )
            } else {
                add(
                    .unknownParameter, "unknown parameter \(GoValueParsing.goQuote(key)) is ignored by the provider",
                    fix: "remove \(key), or correct it to one of \(ManifestLinter.knownParameterKeys.joined(separator: ", "))",
                    severity: .warning, parameter: key, mark: marks[key]
                )
            }
        }
    }

    // MARK: Identity

    mutating func lintIdentity(
        value: (String) -> String, mark: (String) -> (line: Int, column: Int)?, flags: [String: Bool],
        attributes: [String: String]?, secrets: [String: String]?
    ) {
        let clientID = value(ProviderParameters.Key.clientID)
        let userAssigned = value(ProviderParameters.Key.userAssignedIdentityID)
        if flags[ProviderParameters.Key.useVMManagedIdentity] == true {
            if !clientID.isEmpty {
                add(
                    .ignoredIdentityParameter,
                    "clientID is set with useVMManagedIdentity: the Go provider then demands a service-account token (failed to parse workload identity tokens, error: service account tokens not found); this provider ignores clientID",
                    fix: "remove clientID and put the managed identity's client ID in userAssignedIdentityID",
                    severity: .warning, parameter: ProviderParameters.Key.clientID, mark: mark(ProviderParameters.Key.clientID)
                )
            }
            if userAssigned.isEmpty {
                add(
                    .managedIdentityUnnamed,
                    "useVMManagedIdentity without userAssignedIdentityID asks IMDS for the system-assigned identity; a node pool with several user-assigned identities answers \"Multiple user assigned identities exist\"",
                    fix: "set userAssignedIdentityID to the client ID of the identity to use (for the add-on: az aks show -g <rg> -n <cluster> --query addonProfiles.azureKeyvaultSecretsProvider.identity.clientId -o tsv)",
                    severity: .warning, parameter: ProviderParameters.Key.useVMManagedIdentity, mark: mark(ProviderParameters.Key.useVMManagedIdentity)
                )
            }
            return
        }
        if flags[ProviderParameters.Key.usePodIdentity] == true || flags[ProviderParameters.Key.useAzureTokenProxy] == true { return }
        if !userAssigned.isEmpty {
            add(
                .ignoredIdentityParameter,
                "userAssignedIdentityID is used only with useVMManagedIdentity: \"true\"; it is ignored here",
                fix: clientID.isEmpty
                    ? "add useVMManagedIdentity: \"true\" to use that managed identity (or set clientID for workload identity)"
                    : "remove userAssignedIdentityID (workload identity uses clientID)",
                parameter: ProviderParameters.Key.userAssignedIdentityID, mark: mark(ProviderParameters.Key.userAssignedIdentityID)
            )
        }
        if !clientID.isEmpty {
            guard let attributes else { return }
            let audience = ProviderParameters.workloadIdentityAudience
            let token: String
            do {
                token = try ProviderParameters.serviceAccountToken(
                    from: (attributes[ProviderParameters.Key.serviceAccountTokens] ?? "").trimmingWhitespace(), audience: audience
                )
            } catch {
                add(
                    .serviceAccountTokenMissing,
                    "failed to build auth config for mode None: failed to parse workload identity tokens, error: \(error.message)",
                    fix: "give the CSIDriver tokenRequests with audience \(audience) (helm: --set \"tokenRequests[0].audience=\(audience)\"), or remove clientID if you did not mean workload identity",
                    parameter: ProviderParameters.Key.serviceAccountTokens, source: "attributes"
                )
                return
            }
            guard let claims = TokenClaims(jwt: token) else {
                add(
                    .serviceAccountTokenInvalid, "the service-account token for \(audience) is not a JWT",
                    fix: "pass the driver's csi.storage.k8s.io/serviceAccount.tokens unchanged",
                    parameter: ProviderParameters.Key.serviceAccountTokens, source: "attributes"
                )
                return
            }
            if claims.isExpired(at: now) {
                add(
                    .serviceAccountTokenInvalid,
                    "the service-account token expired at \(Self.timestamp(claims.expiresOn)) (subject \(claims.subject ?? "?")); Entra ID refuses it (AADSTS700024)",
                    fix: "take fresh attributes from a running pod; kubelet refreshes projected tokens, so make sure the CSIDriver has requiresRepublish: true",
                    parameter: ProviderParameters.Key.serviceAccountTokens, source: "attributes"
                )
            }
            if !claims.audiences.contains(audience) {
                add(
                    .serviceAccountTokenInvalid,
                    "the service-account token's audience is \(claims.audiences.joined(separator: ", ")), not \(audience)",
                    fix: "request the token with audience \(audience) in the CSIDriver's tokenRequests",
                    parameter: ProviderParameters.Key.serviceAccountTokens, source: "attributes"
                )
            }
            return
        }
        // Service principal.
        guard let secrets else { return }
        func missing(_ text: String, _ fix: String) {
            add(.servicePrincipalSecretMissing, "failed to build auth config for mode None: \(text)", fix: fix, source: "secrets")
        }
        let createSecret = "kubectl create secret generic secrets-store-creds --from-literal clientid=<app id> --from-literal clientsecret=<secret value> and reference it as nodePublishSecretRef"
        if secrets.isEmpty {
            missing(
                "failed to get credentials, nodePublishSecretRef secret is not set",
                "no identity is configured: set clientID (workload identity) or useVMManagedIdentity, or \(createSecret)"
            )
            return
        }
        let lowered = Dictionary(secrets.map { ($0.key.lowercased(), $0.value.trimmingWhitespace()) }, uniquingKeysWith: { a, _ in a })
        if (lowered["clientid"] ?? "").isEmpty { missing("could not find clientid in secrets", "add clientid to the secret: \(createSecret)") }
        if (lowered["clientsecret"] ?? "").isEmpty { missing("could not find clientsecret in secrets", "add clientsecret to the secret: \(createSecret)") }
    }

    static func timestamp(_ date: Date?) -> String { ManifestLinter.timestampText(date) }

    // MARK: Objects

    mutating func lintObjects(_ text: String, base: (line: Int, column: Int)?, fallback: (line: Int, column: Int)?) {
        let key = ProviderParameters.Key.objects
        let objectLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func at(_ node: Node?, lineOffset: Int = 0, columnOffset: Int = 0) -> (line: Int, column: Int)? {
            guard let base, let mark = node?.mark else { return fallback }
            return (base.line + lineOffset + mark.line, base.column + columnOffset + mark.column)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch {
            var where_ = fallback
            if let yaml = error as? YamlError, let base {
                switch yaml {
                case .scanner(_, _, let m, _), .parser(_, _, let m, _), .composer(_, _, let m, _): where_ = (base.line + m.line, base.column + m.column)
                default: break
                }
            }
            add(.objectsInvalid, "failed to yaml unmarshal objects, error: \(error)", fix: "objects must be `array:` followed by `- |` entries, each a small YAML document", parameter: key, mark: where_)
            return
        }
        guard let root, case .mapping(let mapping) = root else {
            add(.objectsInvalid, "failed to yaml unmarshal objects, error: the objects value must be a mapping with an 'array' key", fix: "start objects with `array:`", parameter: key, mark: fallback)
            return
        }
        guard let arrayNode = mapping["array"] else {
            let hint = mapping.first?.key.string.flatMap { KeySuggestion.hint(KeySuggestion.suggestions(for: $0, among: ["array"])) }
            add(
                .objectsInvalid, "objects has no 'array' key, so no object is mounted" + (hint.map { " (\($0))" } ?? ""),
                fix: "put the entries under `array:`", parameter: key, mark: at(root)
            )
            return
        }
        guard case .sequence(let entries) = arrayNode else {
            if case .scalar(let scalar) = arrayNode, scalar.string.isEmpty { return }
            add(.objectsInvalid, "failed to yaml unmarshal objects, error: 'array' must be a list of strings", fix: "list the entries as `- |` blocks under array:", parameter: key, mark: at(arrayNode))
            return
        }
        var validated: [ValidatedKeyVaultObject] = []
        for (index, entry) in entries.enumerated() {
            guard case .scalar(let scalar) = entry else {
                add(
                    .objectInvalid,
                    "failed to yaml unmarshal objects, error: entry \(index) of 'array' must be a string holding a YAML document (use '- |')",
                    fix: "write the entry as `- |` followed by its fields, indented", object: index, mark: at(entry)
                )
                continue
            }
            // The entry's text starts on the line after `- |` (a literal block), else on the same line.
            let block = scalar.style == .literal || scalar.style == .folded
            let entryOffset = (entry.mark?.line ?? 0) - (block ? 0 : 1)
            var entryIndent = (entry.mark?.column ?? 1) - 1
            if block, let line = entry.mark?.line, line < objectLines.count {
                entryIndent = objectLines[line].prefix(while: { $0 == " " }).count
            }
            let object = lintObject(scalar.string, index: index, position: { (node: Node?) in
                at(node, lineOffset: entryOffset, columnOffset: entryIndent)
            })
            if let object { validated.append(object) }
        }
        lintFileNames(validated)
    }

    /// Checks one entry; returns it validated when it has no error (for the duplicate-file check).
    mutating func lintObject(
        _ text: String, index: Int, position: (Node?) -> (line: Int, column: Int)?
    ) -> ValidatedKeyVaultObject? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch {
            add(.objectInvalid, "unmarshal failed for keyVaultObjects at index \(index), error: \(error)", fix: "fix the entry's YAML (one `field: value` per line)", object: index, mark: position(nil))
            return nil
        }
        guard let node, case .mapping(let mapping) = node else {
            add(.objectInvalid, "unmarshal failed for keyVaultObjects at index \(index), error: the entry must be a mapping of object fields", fix: "write the entry as objectName: ..., objectType: ...", object: index, mark: position(node))
            return nil
        }
        var fields: [String: String] = [:]
        var nodes: [String: Node] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else { continue }
            nodes[key] = valueNode
            guard ManifestLinter.knownObjectFields.contains(key) else {
                let suggestions = KeySuggestion.suggestions(for: key, among: ManifestLinter.knownObjectFields)
                if let hint = KeySuggestion.hint(suggestions) {
                    add(.unknownObjectField, "unknown object field \(GoValueParsing.goQuote(key)) is silently ignored: \(hint)", fix: "rename \(key) to \(suggestions[0]) (field names are case-sensitive)", object: index, field: key, mark: position(keyNode))
                } else {
                    add(.unknownObjectField, "unknown object field \(GoValueParsing.goQuote(key)) is ignored", fix: "remove \(key); the fields are \(ManifestLinter.knownObjectFields.joined(separator: ", "))", severity: .warning, object: index, field: key, mark: position(keyNode))
                }
                continue
            }
            guard case .scalar(let scalar) = valueNode else {
                add(.objectInvalid, "unmarshal failed for keyVaultObjects at index \(index), error: \(key) must be a string", fix: "write \(key) as a single value", object: index, field: key, mark: position(valueNode))
                continue
            }
            let isNull = valueNode.tag.rawValue.hasSuffix(":null") && scalar.style == .plain
            fields[key] = isNull ? "" : scalar.string.trimmingWhitespace()
        }
        func field(_ key: String) -> String { fields[key] ?? "" }
        let object = KeyVaultObject(
            objectName: field("objectName"), objectAlias: field("objectAlias"), objectType: field("objectType"),
            objectVersion: field("objectVersion"), objectFormat: field("objectFormat"),
            objectEncoding: field("objectEncoding"), filePermission: field("filePermission")
        )
        let prefix = "failed to get objectType:\(object.objectType), objectName:\(object.objectName), objectVersion:\(object.objectVersion): "
        func problem(_ rule: LintFinding.Rule, _ key: String, _ reason: String, fix: String, severity: LintFinding.Severity = .error) {
            add(rule, prefix + reason, fix: fix, severity: severity, object: index, field: key, mark: position(nodes[key]))
        }
        if object.objectName.isEmpty {
            problem(.objectNameMissing, "objectName", "objectName is not set", fix: "set objectName to the object's name in Key Vault")
        }
        let type = KeyVaultObjectType(rawValue: object.objectType.lowercased())
        if type == nil {
            let hint = KeySuggestion.hint(KeySuggestion.suggestions(for: object.objectType, among: ["secret", "key", "cert"]))
            problem(
                .objectTypeInvalid, "objectType", "Invalid vaultObjectTypes. Should be secret, key, or cert",
                fix: "set objectType to secret, key or cert" + (hint.map { " (\($0))" } ?? "") + (object.objectType.lowercased() == "certificate" ? ": a certificate is `cert`" : "")
            )
        } else if object.objectType != object.objectType.lowercased() {
            problem(
                .objectTypeCase, "objectType", "objectType \(GoValueParsing.goQuote(object.objectType)) is accepted here, but the Go provider fails at fetch time: Invalid vaultObjectTypes. Should be secret, key, or cert",
                fix: "write objectType: \(object.objectType.lowercased())", severity: .warning
            )
        }
        let format = object.objectFormat.lowercased()
        if !(format.isEmpty || format == "pem" || format == "pfx") {
            problem(.objectFormatInvalid, "objectFormat", "invalid objectFormat: \(object.objectFormat), should be PEM or PFX", fix: "set objectFormat to pem or pfx, or remove it")
        } else if format == "pfx", let type, type != .secret {
            problem(
                .pfxOnNonSecret, "objectFormat", "PFX format only supported for objectType: secret",
                fix: type == .certificate
                    ? "to get the PFX (with its private key) read the certificate's backing secret: objectType: secret, objectFormat: pfx, objectEncoding: base64; or remove objectFormat"
                    : "remove objectFormat: a key is written as its public key PEM"
            )
        }
        let encoding = object.objectEncoding.lowercased()
        if !["", "utf-8", "base64", "hex"].contains(encoding) {
            problem(.objectEncodingInvalid, "objectEncoding", "invalid objectEncoding: \(object.objectEncoding), should be hex, base64 or utf-8", fix: "set objectEncoding to utf-8, base64 or hex, or remove it")
        } else if !encoding.isEmpty, let type, type != .secret {
            problem(.encodingOnNonSecret, "objectEncoding", "objectEncoding only supported for objectType: secret", fix: "remove objectEncoding from this \(type.rawValue)")
        }
        if !object.objectName.isEmpty || !object.objectAlias.isEmpty, let reason = FilePathRules.problem(withFileName: object.fileName) {
            let key = object.objectAlias.isEmpty ? "objectName" : "objectAlias"
            problem(
                .fileNameInvalid, key, reason,
                fix: "use a relative file name inside the mount, without '..', a leading '/', '//' or '.' components (for example \(Self.safeName(object.fileName)))"
            )
        }
        if !object.filePermission.isEmpty {
            if UInt32(object.filePermission, radix: 8).map({ $0 > 0o777 }) ?? true {
                problem(
                    .filePermissionInvalid, "filePermission",
                    "file permission must be a valid octal number: strconv.ParseInt: parsing \(GoValueParsing.goQuote(object.filePermission)): invalid syntax (the Go provider silently writes mode 0)",
                    fix: "use an octal mode between 0000 and 0777, quoted, for example filePermission: \"0440\""
                )
            }
        }
        var history: Int32 = 0
        if let node = nodes["objectVersionHistory"], let text = node.string?.trimmingWhitespace(), !text.isEmpty {
            if let parsed = Int32(text) {
                history = parsed
                if parsed < 0 {
                    problem(.versionHistoryInvalid, "objectVersionHistory", "objectVersionHistory must not be negative, got \(parsed)", fix: "set objectVersionHistory to the number of versions to write (1 or more), or remove it")
                } else if parsed > KeyVaultObject.maximumVersionHistory {
                    problem(
                        .versionHistoryInvalid, "objectVersionHistory",
                        "objectVersionHistory must be at most \(KeyVaultObject.maximumVersionHistory), got \(parsed)",
                        fix: "set objectVersionHistory to the number of versions to write as files"
                    )
                }
            } else {
                problem(.versionHistoryInvalid, "objectVersionHistory", "cannot unmarshal \(GoValueParsing.goQuote(text)) into objectVersionHistory (int32)", fix: "set objectVersionHistory to a whole number")
            }
        }
        let complete = KeyVaultObject(
            objectName: object.objectName, objectAlias: object.objectAlias, objectType: object.objectType,
            objectVersion: object.objectVersion, objectVersionHistory: history, objectFormat: object.objectFormat,
            objectEncoding: object.objectEncoding, filePermission: object.filePermission
        )
        // An entry with other errors still takes part in the duplicate-file check when its file name is usable.
        guard !complete.fileName.isEmpty, FilePathRules.problem(withFileName: complete.fileName) == nil, history >= 0 else { return nil }
        lineOf[index] = position(nodes[object.objectAlias.isEmpty ? "objectName" : "objectAlias"])
        return (try? complete.validated(index: index)) ?? ValidatedKeyVaultObject(
            source: complete, index: index, type: type ?? .secret, format: .pem, encoding: .utf8, fileMode: nil
        )
    }

    /// Where each object's file name is written, for the duplicate-file findings.
    var lineOf: [Int: (line: Int, column: Int)] = [:]

    static func safeName(_ name: String) -> String {
        let parts = name.split(separator: "/").filter { $0 != ".." && $0 != "." && !$0.isEmpty }
        return parts.isEmpty ? "my-secret" : parts.joined(separator: "/")
    }

    /// Every pair of objects written to one path, and every file that sits where another object needs a directory.
    mutating func lintFileNames(_ objects: [ValidatedKeyVaultObject]) {
        for conflict in FileNameConflicts(objects).conflicts {
            switch conflict {
            case .sameFile(_, let object, _):
                add(
                    .duplicateFileName, "\(conflict.text); the Go provider silently keeps the last one",
                    fix: "give one of them a different objectAlias", object: object.index,
                    field: object.source.objectAlias.isEmpty ? "objectName" : "objectAlias", mark: lineOf[object.index]
                )
            case .fileInTheWay(_, let object, _, _):
                add(
                    .duplicateFileName, conflict.text,
                    fix: "rename one of the two with objectAlias", object: object.index, mark: lineOf[object.index]
                )
            }
        }
    }
}
