/// One check of ``MountDoctor``: which step of the mount's path it belongs to, what was checked, whether it passed,
/// and for a failure the cause and the fix.
///
/// A step never holds a secret value, a token or a client secret: only names, IDs, URLs, versions, the decoded
/// issuer/subject/audience/expiry of a token, and error texts that the lower layers already scrub.
public struct DoctorStep: Sendable, Hashable, Codable {
    /// The outcome of a check.
    public enum Status: String, Sendable, Hashable, Codable {
        /// The check passed (✓).
        case passed
        /// The check failed (✗); ``DoctorStep/cause`` and ``DoctorStep/fix`` say why and what to do.
        case failed
        /// The check could not run because an earlier one it needs failed (–).
        case skipped

        /// ✓, ✗ or –.
        public var symbol: String {
            switch self {
            case .passed: "✓"
            case .failed: "✗"
            case .skipped: "–"
            }
        }
    }

    /// The steps of the mount's path, in order.
    public enum Stage: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// 1: the manifest and the identity mode chosen from it.
        case manifest = 1
        /// 2: the cloud and the vault URL.
        case cloud = 2
        /// 3: the identity's token.
        case identity = 3
        /// 4: Key Vault's challenge, tenant and token audience.
        case keyVault = 4
        /// 5: reading each object.
        case object = 5
        /// 6: converting each object to its file contents.
        case conversion = 6
        /// 7: the target directory.
        case target = 7

        /// The stage's name: `manifest`, `cloud`, `identity`, `keyvault`, `object`, `conversion`, `target`.
        public var description: String {
            switch self {
            case .manifest: "manifest"
            case .cloud: "cloud"
            case .identity: "identity"
            case .keyVault: "keyvault"
            case .object: "object"
            case .conversion: "conversion"
            case .target: "target"
            }
        }
    }

    /// The step of the mount's path.
    public var stage: Stage
    /// A stable identifier of the check (for example `identity.serviceAccountToken`, `keyvault.tenant`).
    public var check: String
    /// What was checked, in a few words (for example `secret 'db-password'`).
    public var title: String
    /// The outcome.
    public var status: Status
    /// What was found (IDs, URLs, versions, decoded token claims), when it helps.
    public var detail: String?
    /// Why it failed (failed steps), or which step it waited for (skipped steps).
    public var cause: String?
    /// What to do about it (failed steps).
    public var fix: String?
    /// The index of the object in `objects`, for object and conversion steps.
    public var objectIndex: Int?

    /// Creates a step.
    /// - Parameters:
    ///   - stage: The step of the mount's path.
    ///   - check: The check's identifier.
    ///   - title: What was checked.
    ///   - status: The outcome.
    ///   - detail: What was found.
    ///   - cause: Why it failed or was skipped.
    ///   - fix: What to do.
    ///   - objectIndex: The object's index.
    public init(
        stage: Stage, check: String, title: String, status: Status, detail: String? = nil, cause: String? = nil,
        fix: String? = nil, objectIndex: Int? = nil
    ) {
        self.stage = stage
        self.check = check
        self.title = title
        self.status = status
        self.detail = detail
        self.cause = cause
        self.fix = fix
        self.objectIndex = objectIndex
    }

    /// One line: `✓ 3 identity: <title> (<detail>)`, or `✗ 3 identity: <title>: <cause> | fix: <fix>`.
    public var line: String {
        var text = "\(status.symbol) \(stage.rawValue) \(stage): \(title)"
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        if let cause, !cause.isEmpty { text += status == .skipped ? " – skipped: \(cause)" : ": \(cause)" }
        if let fix, !fix.isEmpty { text += " | fix: \(fix)" }
        return text
    }
}
