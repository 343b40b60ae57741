import AzureCore
import Foundation
import KeyVaultCore
import Logging

/// The ``KeyVaultObjectReader`` over Key Vault REST: `KeyVaultCore.KeyVaultClient` to fetch, and
/// `KeyVaultCore.ObjectConverter` to turn each object into its file contents.
struct KeyVaultClientReader: KeyVaultObjectReader {
    let client: KeyVaultClient
    let constructPEMChain: Bool
    let metrics: ProviderMetrics
    let logger: Logger

    init(
        vaultURL: URL, credential: any TokenCredential, limiter: AdaptiveConcurrencyLimiter?,
        configuration: ProviderConfiguration
    ) throws(SecretsStoreProviderError) {
        let metrics = configuration.metrics
        let metered = MeteredTransport(base: configuration.transport ?? AsyncHTTPClientTransport.shared, metrics: metrics)
        // Every attempt (retries included) takes a permit from the vault's limiter, shared by all mounts.
        let transport: any HTTPTransport = limiter.map { LimitedTransport(wrapping: metered, limiter: $0) } ?? metered
        let host = vaultURL.host ?? ""
        do {
            client = try KeyVaultClient(
                vaultURL: vaultURL,
                credential: credential,
                transport: transport,
                options: .init(
                    // Switching verification off is honoured for loopback vaults (emulators) only.
                    verifyChallengeResource: configuration.verifyChallengeResource || !LoopbackAddress.isLoopback(host),
                    allowInsecureLoopbackHTTP: LoopbackAddress.isLoopback(host),
                    onRetry: { reason in metrics.retry(reason: reason.rawValue) }
                ),
                logger: configuration.logger
            )
        } catch {
            throw SecretsStoreProviderError(.invalidParameter, "failed to get keyvault client: \(error)", underlying: error)
        }
        self.constructPEMChain = configuration.constructPEMChain
        self.metrics = metrics
        self.logger = configuration.logger
    }

    func content(of object: ValidatedKeyVaultObject, version: String?) async throws -> KeyVaultObjectContent {
        try await measured(object) { try await fetchContent(of: object, version: version) }
    }

    /// Records `keyvault_request` with the object type and the result class of one fetch.
    private func measured<T>(_ object: ValidatedKeyVaultObject, _ body: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            let value = try await body()
            metrics.keyVaultRequest(objectType: object.type.rawValue, result: "ok", duration: ContinuousClock.now - started)
            return value
        } catch {
            let result: String
            switch (error as? KeyVaultError)?.code {
            case .notFound?: result = "not_found"
            case .forbidden?: result = "forbidden"
            case .throttled?: result = "throttled"
            default: result = "error"
            }
            metrics.keyVaultRequest(objectType: object.type.rawValue, result: result, duration: ContinuousClock.now - started)
            throw error
        }
    }

    private func fetchContent(of object: ValidatedKeyVaultObject, version: String?) async throws -> KeyVaultObjectContent {
        let name = object.source.objectName
        switch object.type {
        case .secret:
            let bundle = try await client.getSecret(name: name, version: version)
            let bytes = try convert(object, version: version) {
                try ObjectConverter.convert(
                    secret: bundle,
                    format: object.format,
                    encoding: object.encoding,
                    constructPEMChain: constructPEMChain,
                    logger: logger
                )
            }
            let certificateBacked = bundle.kid.map { !$0.isEmpty } ?? false
            return KeyVaultObjectContent(
                contents: bytes, version: bundle.version ?? version ?? "", isCertificatePEM: certificateBacked && object.format == .pem
            )
        case .key:
            let bundle = try await client.getKey(name: name, version: version)
            let bytes = try convert(object, version: version) { try ObjectConverter.convert(key: bundle) }
            return KeyVaultObjectContent(contents: bytes, version: bundle.version ?? version ?? "")
        case .certificate:
            let bundle = try await client.getCertificate(name: name, version: version)
            let bytes = try convert(object, version: version) { try ObjectConverter.convert(certificate: bundle) }
            return KeyVaultObjectContent(contents: bytes, version: bundle.version ?? version ?? "")
        }
    }

    func versions(of object: ValidatedKeyVaultObject) async throws -> [KeyVaultObjectVersion] {
        try await measured(object) { try await client.listVersions(type: object.type, name: object.source.objectName) }
    }

    private func convert(_ object: ValidatedKeyVaultObject, version: String?, _ body: () throws -> [UInt8]) throws -> [UInt8] {
        do {
            return try body()
        } catch {
            throw SecretsStoreProviderError(
                .conversionFailed,
                "failed to get objectType:\(object.source.objectType), objectName:\(object.source.objectName), objectVersion:\(version ?? ""): \(error)",
                objectIndex: object.index,
                underlying: error
            )
        }
    }
}
