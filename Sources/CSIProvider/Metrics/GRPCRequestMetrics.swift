import CoreMetrics
import GRPCCore
import SecretsStoreProvider

/// The `grpc_request` histogram (seconds), by `grpc_method` (`/v1alpha1.CSIDriverProvider/Mount`) and `grpc_code`
/// (`OK`, `InvalidArgument`, ... as Go names them), as the Go provider records it; never the message.
struct GRPCRequestMetrics: Sendable {
    static let name = "grpc_request"
    let factory: any MetricsFactory

    func record(method: String, code: RPCError.Code?, duration: Duration) {
        ProviderMetrics(factory: factory).record(
            Self.name,
            dimensions: [("grpc_method", "/v1alpha1.CSIDriverProvider/\(method)"), ("grpc_code", Self.goName(code))],
            duration: duration
        )
    }

    /// Go's name of a status code (`codes.Code.String()`).
    static func goName(_ code: RPCError.Code?) -> String {
        guard let code else { return "OK" }
        switch code {
        case .cancelled: return "Canceled"
        case .unknown: return "Unknown"
        case .invalidArgument: return "InvalidArgument"
        case .deadlineExceeded: return "DeadlineExceeded"
        case .notFound: return "NotFound"
        case .alreadyExists: return "AlreadyExists"
        case .permissionDenied: return "PermissionDenied"
        case .resourceExhausted: return "ResourceExhausted"
        case .failedPrecondition: return "FailedPrecondition"
        case .aborted: return "Aborted"
        case .outOfRange: return "OutOfRange"
        case .unimplemented: return "Unimplemented"
        case .internalError: return "Internal"
        case .unavailable: return "Unavailable"
        case .dataLoss: return "DataLoss"
        case .unauthenticated: return "Unauthenticated"
        default: return "Unknown"
        }
    }
}
