import AzureCore
import CSIProvider
import GRPCCore
import IdentityProviders
import KeyVaultCore
import SecretsStoreProvider
import Testing

/// The code chosen for each cause, and the message kept as the provider's text.
@Suite struct MountStatusTests {
    static func fetchFailure(_ underlying: any Error & Sendable) -> SecretsStoreProviderError {
        SecretsStoreProviderError(.fetchFailed, "failed to get objectType:secret, objectName:a, objectVersion:: cause", underlying: underlying)
    }

    static func keyVault(_ code: KeyVaultError.Code, status: Int? = nil) -> KeyVaultError {
        KeyVaultError(code: code, statusCode: status, vault: "kv.example.test", message: "m")
    }

    @Test func codesByCause() {
        let cases: [(SecretsStoreProviderError, RPCError.Code)] = [
            (SecretsStoreProviderError(.missingParameter, "keyvaultName is not provided"), .invalidArgument),
            (SecretsStoreProviderError(.invalidObject, "bad"), .invalidArgument),
            (SecretsStoreProviderError(.unsupportedIdentity, "pod identity"), .invalidArgument),
            (SecretsStoreProviderError(.invalidIdentity, "no tokens"), .invalidArgument),
            (Self.fetchFailure(Self.keyVault(.forbidden, status: 403)), .permissionDenied),
            (Self.fetchFailure(Self.keyVault(.unauthorized, status: 401)), .unauthenticated),
            (Self.fetchFailure(Self.keyVault(.notFound, status: 404)), .notFound),
            (Self.fetchFailure(Self.keyVault(.throttled, status: 429)), .resourceExhausted),
            (Self.fetchFailure(Self.keyVault(.serviceError, status: 500)), .internalError),
            (Self.fetchFailure(IdentityError(code: .authenticationFailed, credential: "ClientSecretCredential", message: "AADSTS7000215")), .unauthenticated),
            (Self.fetchFailure(IdentityError(code: .identityNotFound, credential: "ManagedIdentityCredential", message: "Identity not found")), .unauthenticated),
            (Self.fetchFailure(IdentityError(code: .transportFailed, credential: "ManagedIdentityCredential", message: "unreachable")), .unavailable),
            (Self.fetchFailure(AzureCoreError(code: .connectionFailed, message: "refused")), .unavailable),
            (Self.fetchFailure(AzureCoreError(code: .retriesExhausted, message: "gave up")), .unavailable),
            (Self.fetchFailure(AzureCoreError(code: .retriesExhausted, message: "gave up", statusCode: 429)), .resourceExhausted),
            (Self.fetchFailure(AzureCoreError(code: .timedOut, message: "slow")), .unavailable),
            (SecretsStoreProviderError(.conversionFailed, "illegal base64 data at input byte 0", underlying: ConversionError(code: .invalidBase64, message: "x")), .internalError),
            (SecretsStoreProviderError(.fetchFailed, "no cause"), .internalError),
        ]
        for (error, code) in cases {
            #expect(MountStatus.code(for: error) == code, "\(error.message) \(String(describing: error.underlying))")
            let rpc = MountStatus.rpcError(for: error)
            #expect(rpc.message == error.message, "the Go text is kept")
            #expect(rpc.cause is SecretsStoreProviderError)
        }
    }

    @Test func equalityIgnoresTheCause() {
        let a = SecretsStoreProviderError(.fetchFailed, "m", underlying: Self.keyVault(.notFound))
        let b = SecretsStoreProviderError(.fetchFailed, "m", underlying: Self.keyVault(.forbidden))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }
}
