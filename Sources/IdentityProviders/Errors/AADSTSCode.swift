import Foundation

/// Meanings of the AADSTS codes users meet with the credentials of this module.
public enum AADSTSCode {
    /// The meaning and usual fix of an AADSTS code, or `nil` when unknown.
    /// - Parameter code: The numeric code.
    /// - Returns: A short explanation.
    public static func meaning(of code: Int) -> String? {
        switch code {
        case 70021:
            return "no federated identity credential on the app registration matches the assertion's issuer, subject and audience; compare them with the federated credential (a missing or extra trailing '/' on the issuer URL is the classic cause)"
        case 700024:
            return "the client assertion is not within its valid time range: the service-account token or assertion has expired or is not yet valid (token file not refreshed, or clock skew)"
        case 7000215:
            return "invalid client secret: send the secret's value, not its ID, and check that it has not expired or been rotated"
        case 7000222:
            return "the client secret has expired: create a new secret for the app registration"
        case 700016:
            return "the application (client ID) was not found in the tenant: check AZURE_CLIENT_ID/clientID and the tenant ID"
        case 90002:
            return "the tenant was not found: check the tenant ID and the cloud (authority host)"
        case 900023:
            return "the tenant identifier is not valid: use the tenant GUID or a verified domain"
        case 90061:
            return "Entra ID could not reach the external OIDC issuer to fetch its signing keys: check the issuer URL and that its discovery document is public"
        case 700027:
            return "the client assertion's signature could not be validated, or its certificate is not registered on the app: upload the certificate (public part) to the app registration"
        case 700021:
            return "the assertion's iss/sub does not match the client_id"
        case 700212:
            return "the client assertion's audience must be the tenant's token endpoint URL"
        case 70011:
            return "invalid scope: request exactly one resource with the '/.default' suffix"
        case 500011:
            return "the resource principal was not found in the tenant: check the resource/scope and the cloud"
        case 7000218:
            return "the request has neither a client secret nor a client assertion"
        case 900144:
            return "a required request parameter is missing"
        case 50027:
            return "the JWT is invalid or malformed"
        case 70003:
            return "unsupported grant type"
        case 53003:
            return "access blocked by a Conditional Access policy"
        default:
            return nil
        }
    }

    /// Extracts the first AADSTS code from an `error_description`.
    /// - Parameter description: The description.
    /// - Returns: The code, or `nil`.
    public static func code(in description: String) -> Int? {
        guard let range = description.range(of: "AADSTS") else { return nil }
        let digits = description[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}
