import GRPCCore

/// The gRPC health service (`grpc.health.v1.Health`) of the provider's socket.
///
/// `Check` answers `SERVING` for the whole server (`""`) and for `v1alpha1.CSIDriverProvider` while the provider
/// serves, and `NOT_SERVING` once a graceful shutdown has begun; any other service name is `notFound`, as the
/// protocol says. `List` gives both names. `Watch` is not offered (`unimplemented`), as in the Go provider.
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    /// The service names this health service reports on.
    public static let serviceNames = ["", "v1alpha1.CSIDriverProvider"]

    /// The shutdown state that decides the status.
    public let gate: ShutdownGate

    /// Creates the service.
    /// - Parameter gate: The shutdown state shared with the server.
    public init(gate: ShutdownGate) {
        self.gate = gate
    }

    private var status: Grpc_Health_V1_HealthCheckResponse.ServingStatus {
        gate.isDraining ? .notServing : .serving
    }

    /// The status of the server or of the CSI service.
    public func check(
        request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard Self.serviceNames.contains(request.service) else {
            throw RPCError(code: .notFound, message: "unknown service \(request.service)")
        }
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = status
        return response
    }

    /// The status of every service.
    public func list(
        request: Grpc_Health_V1_HealthListRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthListResponse {
        var response = Grpc_Health_V1_HealthListResponse()
        for name in Self.serviceNames {
            var entry = Grpc_Health_V1_HealthCheckResponse()
            entry.status = status
            response.statuses[name] = entry
        }
        return response
    }

    /// Not offered.
    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        throw RPCError(code: .unimplemented, message: "Watch is not implemented; use Check")
    }
}
