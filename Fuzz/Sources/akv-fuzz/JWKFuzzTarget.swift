import Foundation
import KeyVaultCore

/// `jwk`: a JSON Web Key as Key Vault returns it inside a key bundle, decoded (`JSONWebKey`, `KeyBundle`) and
/// converted to a `PUBLIC KEY` PEM (`PublicKeyConverter`, `ObjectConverter.convert(key:)`). The input is either
/// a bare JWK or a whole key bundle (`{"key": {...}}`).
enum JWKFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "jwk",
        summary: "JSONDecoder -> JSONWebKey / KeyBundle, PublicKeyConverter.publicKeyPEM, ObjectConverter.convert(key:)"
    ) { data in
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        if let key = try? decoder.decode(JSONWebKey.self, from: data) {
            _ = try? PublicKeyConverter.subjectPublicKeyInfoDER(of: key)
            do { _ = try PublicKeyConverter.publicKeyPEM(of: key) } catch { FuzzSupport.describe(error) }
        }
        if let bundle = try? decoder.decode(KeyBundle.self, from: data) {
            _ = bundle.version
            do { _ = try ObjectConverter.convert(key: bundle) } catch { FuzzSupport.describe(error) }
        }
    }
}
