import AzureCore
import GRPCCore
import IdentityProviders
import KeyVaultCore
import SecretsStoreProvider

/// Maps a failed mount to the gRPC status the driver receives. The message keeps the Go provider's text; the code
/// says what kind of failure it is (the Go provider answers everything with `Unknown`).
///
/// | code | when |
/// |---|---|
/// | `invalidArgument` | parameters, objects, attributes, secrets or permission are wrong |
/// | `permissionDenied` | Key Vault answered 403 |
/// | `unauthenticated` | Entra ID rejected the identity (an AADSTS error, an unknown managed identity), or Key Vault 401 |
/// | `notFound` | the object or version does not exist |
/// | `resourceExhausted` | throttling outlasted the retry budget, or the response is too large for the driver |
/// | `deadlineExceeded` | the mount's deadline passed |
/// | `unavailable` | an endpoint could not be reached, or the provider is shutting down |
/// | `internal` | anything else |
///
/// The driver's client retries `unavailable` by itself (3 attempts, 1–10 s apart) and nothing else, so
/// `unavailable` is kept for failures a retry can help. A throttled vault gets `resourceExhausted`, never three
/// times the load.
public enum MountStatus {
    /// The gRPC code for a provider error.
    /// - Parameter error: The error.
    /// - Returns: The code.
    public static func code(for error: SecretsStoreProviderError) -> RPCError.Code {
        switch error.code {
        case .invalidManifest, .invalidParameter, .missingParameter, .invalidIdentity, .unsupportedIdentity,
            .invalidObject, .duplicateFile:
            if let underlying = error.underlying, let code = code(forUnderlying: underlying) { return code }
            return .invalidArgument
        case .timedOut:
            return .deadlineExceeded
        case .fetchFailed, .conversionFailed, .writeFailed:
            if let underlying = error.underlying, let code = code(forUnderlying: underlying) { return code }
            return .internalError
        default:
            return .internalError
        }
    }

    /// The gRPC error for a provider error: its code and the provider's message; the error is the cause.
    /// - Parameter error: The error.
    /// - Returns: The `RPCError`.
    public static func rpcError(for error: SecretsStoreProviderError) -> RPCError {
        RPCError(code: code(for: error), message: error.message, cause: error)
    }

    /// The code for a lower layer's error, or nil when it does not decide one.
    static func code(forUnderlying error: any Error) -> RPCError.Code? {
        switch error {
        case let error as SecretsStoreProviderError:
            return code(for: error)
        case let error as KeyVaultError:
            switch error.code {
            case .forbidden: return .permissionDenied
            case .unauthorized: return .unauthenticated
            case .notFound: return .notFound
            case .throttled: return .resourceExhausted
            case .invalidVaultURL, .invalidVaultName, .invalidObjectName: return .invalidArgument
            case .challengeResourceMismatch: return .permissionDenied
            default: return .internalError
            }
        case let error as IdentityError:
            if let status = error.statusCode, status == 429 { return .resourceExhausted }
            switch error.code {
            case .authenticationFailed, .identityNotFound, .tenantNotAllowed: return .unauthenticated
            case .invalidConfiguration: return .invalidArgument
            case .transportFailed, .credentialUnavailable: return .unavailable
            default: return .internalError
            }
        case let error as AzureCoreError:
            switch error.code {
            case .connectionFailed, .timedOut: return .unavailable
            case .retriesExhausted: return error.statusCode == 429 ? .resourceExhausted : .unavailable
            case .responseTooLarge: return .resourceExhausted
            case .insecureRequest, .invalidConfiguration, .unknownCloud: return .invalidArgument
            default: return .internalError
            }
        case is ConversionError:
            return .internalError
        case is CancellationError:
            return .unavailable
        default:
            return nil
        }
    }
}
