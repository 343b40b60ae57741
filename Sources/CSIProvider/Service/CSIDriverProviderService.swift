import Foundation
import GRPCCore
import Logging
import SecretsStoreProvider
import SwiftProtobuf

/// The Secrets Store CSI driver's provider service (`v1alpha1.CSIDriverProvider`): `Version` and `Mount`.
///
/// `Mount` decodes the driver's inputs (``MountInputs``), validates and fetches with the same code as
/// `KeyVaultProvider` (one provider, so credentials, tokens and challenges are shared
/// across the pods of a node), and returns the files and object versions. It writes nothing: the driver writes the
/// files into the pod's volume.
///
/// Failures come back as a gRPC status whose message is the Go provider's text and whose code fits the cause
/// (``MountStatus``). Each call is logged with its pod, namespace, class, object count, code and duration; never a
/// value, token or secret.
public struct CSIDriverProviderService: V1alpha1_CSIDriverProvider.SimpleServiceProtocol {
    /// Limits and behaviour of the service.
    public struct Options: Sendable {
        /// The longest a mount may take before it fails with `deadlineExceeded` (default 2 minutes).
        public var mountTimeout: Duration
        /// Responses larger than this are refused with `resourceExhausted` (default 4 MiB, the driver's default
        /// `--max-call-recv-msg-size`).
        public var maximumResponseBytes: Int
        /// Responses larger than this are logged as a warning (default 1 MiB: Kubernetes Secret sync fails above it).
        public var warningResponseBytes: Int

        /// Creates options.
        /// - Parameters:
        ///   - mountTimeout: The deadline of one mount.
        ///   - maximumResponseBytes: The largest response sent.
        ///   - warningResponseBytes: The size above which a response is logged as a warning.
        public init(
            mountTimeout: Duration = .seconds(120),
            maximumResponseBytes: Int = 4 * 1024 * 1024,
            warningResponseBytes: Int = 1024 * 1024
        ) {
            self.mountTimeout = mountTimeout
            self.maximumResponseBytes = maximumResponseBytes
            self.warningResponseBytes = warningResponseBytes
        }
    }

    /// The provider that validates and fetches.
    public let provider: KeyVaultProvider
    /// The shutdown state shared with the server.
    public let gate: ShutdownGate
    /// Limits.
    public let options: Options
    /// The logger.
    public let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - provider: The provider (its configuration decides endpoints, trust and conversions).
    ///   - gate: The shutdown state shared with the server.
    ///   - options: Limits.
    ///   - logger: The logger.
    public init(provider: KeyVaultProvider, gate: ShutdownGate = ShutdownGate(), options: Options = Options(), logger: Logger) {
        self.provider = provider
        self.gate = gate
        self.options = options
        self.logger = logger
    }

    private var requestMetrics: GRPCRequestMetrics { GRPCRequestMetrics(factory: provider.configuration.metrics.factory) }

    /// Answers `v1alpha1` with the runtime name and this package's version.
    public func version(request: V1alpha1_VersionRequest, context: ServerContext) async throws -> V1alpha1_VersionResponse {
        requestMetrics.record(method: "Version", code: nil, duration: .zero)
        var response = V1alpha1_VersionResponse()
        response.version = CSIProviderVersion.apiVersion
        response.runtimeName = CSIProviderVersion.runtimeName
        response.runtimeVersion = CSIProviderVersion.runtimeVersion
        return response
    }

    /// Fetches the objects of one volume and returns them as files.
    public func mount(request: V1alpha1_MountRequest, context: ServerContext) async throws -> V1alpha1_MountResponse {
        let started = ContinuousClock.now
        var metadata: Logger.Metadata = ["target": "\(request.targetPath)"]
        do {
            let response = try await mount(request, metadata: &metadata)
            metadata["code"] = "ok"
            metadata["files"] = "\(response.files.count)"
            let elapsed = ContinuousClock.now - started
            metadata["duration"] = "\(Self.seconds(elapsed))"
            requestMetrics.record(method: "Mount", code: nil, duration: elapsed)
            logger.info("mount succeeded", metadata: metadata)
            return response
        } catch {
            let elapsed = ContinuousClock.now - started
            metadata["code"] = "\(error.code)"
            metadata["duration"] = "\(Self.seconds(elapsed))"
            requestMetrics.record(method: "Mount", code: error.code, duration: elapsed)
            metadata["error"] = "\(error.message)"
            logger.warning("mount failed", metadata: metadata)
            throw error
        }
    }

    private func mount(_ request: V1alpha1_MountRequest, metadata: inout Logger.Metadata) async throws(RPCError) -> V1alpha1_MountResponse {
        guard gate.enterMount() else {
            throw RPCError(code: .unavailable, message: "the provider is shutting down; retry on the restarted provider")
        }
        defer { gate.leaveMount() }
        let inputs: MountInputs
        let parameters: ProviderParameters
        do {
            var current: [String: String] = [:]
            for entry in request.currentObjectVersion { current[entry.id] = entry.version }
            inputs = try MountInputs(
                attributes: request.attributes, secrets: request.secrets, permission: request.permission,
                targetPath: request.targetPath, currentObjectVersions: current
            )
            metadata["pod"] = "\(inputs.podName)"
            metadata["namespace"] = "\(inputs.podNamespace)"
            metadata["spc"] = "\(inputs.secretProviderClass)"
            parameters = try ProviderParameters(validating: inputs.request, objectsCache: provider.objectsCache)
        } catch {
            throw MountStatus.rpcError(for: error)
        }
        metadata["objects"] = "\(parameters.objects.count)"
        guard !parameters.objects.isEmpty else {
            throw RPCError(
                code: .invalidArgument,
                message: "objects array is empty: the driver refuses a mount without object versions; list at least one object"
            )
        }
        let result = try await fetch(parameters)
        let response = MountResponseBuilder.response(for: result, objects: parameters.objects)
        // Exact size only when it can matter: the bound (payload plus the most framing protobuf adds) is cheap, and
        // most responses are far below both limits; encoding a large one twice is the rare case.
        var size = Self.encodedSizeBound(response)
        if size > min(options.warningResponseBytes, options.maximumResponseBytes) {
            do {
                size = (try response.serializedBytes() as [UInt8]).count
            } catch {
                throw RPCError(code: .internalError, message: "the mount response could not be encoded: \(error)")
            }
        }
        if size > options.maximumResponseBytes {
            throw RPCError(
                code: .resourceExhausted,
                message: "the mount response is \(size) bytes (\(result.files.count) files), over the \(options.maximumResponseBytes)-byte limit; "
                    + "the driver refuses messages over its --max-call-recv-msg-size (default 4 MiB): raise it on the driver and "
                    + "--max-response-size on this provider together, or mount fewer or smaller objects"
            )
        }
        if size > min(options.warningResponseBytes, options.maximumResponseBytes) {
            logger.warning(
                "mount response is over 1 MiB; syncing it as a Kubernetes Secret will fail",
                metadata: ["pod": metadata["pod"] ?? "", "spc": metadata["spc"] ?? "", "bytes": "\(size)"]
            )
        }
        return response
    }

    /// Runs the fetch against the mount deadline and the shutdown grace period. The first to finish answers the
    /// call at once; the others are cancelled and finish in the background, so a fetch that is slow to notice its
    /// cancellation never holds the answer (or the shutdown) back.
    private func fetch(_ parameters: ProviderParameters) async throws(RPCError) -> MountResult {
        let provider = self.provider
        let gate = self.gate
        let timeout = options.mountTimeout
        let race = FirstResult<Result<MountResult, RPCError>>()
        let tasks = [
            Task {
                do {
                    race.offer(.success(try await provider.fetch(parameters)))
                } catch let error as SecretsStoreProviderError {
                    race.offer(.failure(MountStatus.rpcError(for: error)))
                } catch is CancellationError {
                    race.offer(.failure(RPCError(code: .unavailable, message: "the mount was cancelled")))
                } catch {
                    race.offer(.failure(RPCError(code: .internalError, message: "\(error)")))
                }
            },
            Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                race.offer(.failure(RPCError(code: .deadlineExceeded, message: "the mount did not finish within \(Self.seconds(timeout)) s")))
            },
            Task {
                await gate.waitForForcedStop()
                guard !Task.isCancelled else { return }
                race.offer(.failure(RPCError(code: .unavailable, message: "the provider is shutting down; the mount was stopped after the grace period")))
            },
        ]
        let outcome = await withTaskCancellationHandler {
            await race.value
        } onCancel: {
            race.offer(.failure(RPCError(code: .cancelled, message: "the call was cancelled")))
        }
        for task in tasks { task.cancel() }
        return try outcome.get()
    }

    /// An upper bound of a response's encoded size: each file's path and contents plus at most 34 bytes of tags,
    /// lengths and mode; each version's id and version plus at most 18 bytes.
    public static func encodedSizeBound(_ response: V1alpha1_MountResponse) -> Int {
        var total = 0
        for file in response.files { total += file.path.utf8.count + file.contents.count + 34 }
        for version in response.objectVersion { total += version.id.utf8.count + version.version.utf8.count + 18 }
        return total
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return String(format: "%.3f", value)
    }
}
