#!/usr/bin/env python3
"""Interoperability check: the official Azure SDK for Python against the KeyVaultTesting emulators.

The clients are used unmodified. The only settings are the ones a user of a private cloud or of a test
double would make: the emulator's CA is trusted (REQUESTS_CA_BUNDLE / SSL_CERT_FILE, set by run.sh from
the env file), the credential's authority host is the Entra emulator, instance discovery is off (the
authority is not a Microsoft host), and challenge-resource verification is off on the Key Vault clients
(the vault is on 127.0.0.1, not *.vault.azure.net).

Usage: check_emulator.py ENV_FILE SEED_JSON
Exits non-zero on the first mismatch.
"""

import base64
import datetime
import json
import os
import sys

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.identity import ClientSecretCredential, ManagedIdentityCredential, WorkloadIdentityCredential
from azure.keyvault.certificates import CertificateClient, CertificateContentType, CertificatePolicy
from azure.keyvault.keys import KeyClient, KeyCurveName, KeyType
from azure.keyvault.secrets import SecretClient
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

FAILURES = []
CHECKS = 0


def check(condition, what):
    global CHECKS
    CHECKS += 1
    if condition:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}")
        FAILURES.append(what)


def load_env(path):
    env = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("export "):
                line = line[len("export "):]
            key, _, value = line.partition("=")
            env[key] = value.strip().strip("'\"")
    return env


def b64url_int(text):
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def as_bytes(value):
    """The SDK models return JWK fields as bytes."""
    return value if isinstance(value, (bytes, bytearray)) else base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def make_pfx(password):
    """An RSA certificate with a two-certificate chain, made here with `cryptography`, independent of Swift."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "interop python ca")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "imported.python")]))
        .issuer_name(ca_name).public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    pfx = pkcs12.serialize_key_and_certificates(
        b"imported", leaf_key, leaf, [ca], serialization.BestAvailableEncryption(password.encode())
    )
    pem = (
        leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + leaf.public_bytes(serialization.Encoding.PEM)
        + ca.public_bytes(serialization.Encoding.PEM)
    )
    return pfx, pem, leaf, ca


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    env = load_env(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as handle:
        seed = json.load(handle)

    tenant = seed["tenants"][0]
    app = tenant["applications"][0]
    outsider = tenant["applications"][1]
    vault_seed = seed["vaults"][0]
    vault_url = env[f"AKV_EMULATOR_VAULT_URL_{vault_seed['name'].upper().replace('-', '_')}"]
    authority = env["AZURE_AUTHORITY_HOST"]
    print(f"vault {vault_seed['name']} at {vault_url}, authority {authority}")

    credential = ClientSecretCredential(
        tenant["id"], app["clientId"], app["secret"], authority=authority, disable_instance_discovery=True
    )
    secrets = SecretClient(vault_url, credential, verify_challenge_resource=False)
    keys = KeyClient(vault_url, credential, verify_challenge_resource=False)
    certificates = CertificateClient(vault_url, credential, verify_challenge_resource=False)

    # --- secrets -------------------------------------------------------------------------------------
    by_name = {}
    for entry in vault_seed["secrets"]:
        by_name.setdefault(entry["name"], []).append(entry)
    for name, versions in by_name.items():
        secret = secrets.get_secret(name)
        check(secret.value == versions[-1]["value"], f"get_secret({name}) returns the latest value")
        check(secret.properties.content_type == versions[-1].get("contentType"), f"{name} content type")
        check(secret.properties.enabled is True, f"{name} is enabled")
        check(secret.properties.version is not None and len(secret.properties.version) == 32, f"{name} has a version id")
        if versions[-1].get("tags"):
            check(secret.properties.tags == versions[-1]["tags"], f"{name} tags")
        listed = list(secrets.list_properties_of_secret_versions(name, max_page_size=1))
        check(len(listed) == len(versions), f"{name}: {len(versions)} versions listed one per page (nextLink paging)")
        values = sorted(secrets.get_secret(name, p.version).value for p in listed)
        check(values == sorted(v["value"] for v in versions), f"{name}: every version readable by id")
    names = sorted({p.name for p in secrets.list_properties_of_secrets()})
    check({"secret1", "plain"}.issubset(names), "list_properties_of_secrets lists the seeded secrets")

    updated = secrets.set_secret("written-by-python", "hello from python", content_type="text/plain")
    check(secrets.get_secret("written-by-python").value == "hello from python", "set_secret then get_secret")
    check(updated.properties.version is not None, "set_secret returns a version")

    try:
        secrets.get_secret("does-not-exist")
        check(False, "a missing secret raises ResourceNotFoundError")
    except ResourceNotFoundError as error:
        check(error.error is not None and error.error.code == "SecretNotFound", "missing secret: SecretNotFound")

    # --- keys ----------------------------------------------------------------------------------------
    rsa_key = keys.get_key("rsa-key")
    check(rsa_key.key_type == KeyType.rsa, "rsa-key is RSA")
    n = int.from_bytes(as_bytes(rsa_key.key.n), "big")
    e = int.from_bytes(as_bytes(rsa_key.key.e), "big")
    public = rsa.RSAPublicNumbers(e, n).public_key()
    check(public.key_size == 2048 and e == 65537, "rsa-key JWK is a 2048-bit RSA public key")
    ec_key = keys.get_key("ec-key")
    x = int.from_bytes(as_bytes(ec_key.key.x), "big")
    y = int.from_bytes(as_bytes(ec_key.key.y), "big")
    point = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    check(point.curve.name == "secp256r1" and ec_key.key.crv == KeyCurveName.p_256, "ec-key is a valid P-256 point")
    check(len(list(keys.list_properties_of_key_versions("rsa-key"))) == 1, "rsa-key has one version")

    # --- certificates generated by the emulator --------------------------------------------------------
    for entry in vault_seed["certificates"]:
        name = entry["name"]
        certificate = certificates.get_certificate(name)
        leaf = x509.load_der_x509_certificate(bytes(certificate.cer))
        cn = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        check(cn == entry["subject"], f"certificate {name}: subject CN")
        check(certificate.policy is not None and certificate.policy.content_type == CertificateContentType(entry["contentType"]), f"certificate {name}: policy content type")
        check(certificate.properties.x509_thumbprint == leaf.fingerprint(hashes.SHA1()), f"certificate {name}: x5t is the SHA-1 thumbprint")
        secret = secrets.get_secret(name)
        check(secret.properties.content_type == entry["contentType"], f"secret {name}: content type")
        check(secret.properties.key_id == certificate.key_id, f"secret {name}: kid is the certificate's key")
        check(secret.properties.managed is True, f"secret {name}: managed")
        if entry["contentType"] == "application/x-pkcs12":
            key, cert, extra = pkcs12.load_key_and_certificates(base64.b64decode(secret.value), None)
            check(key is not None, f"secret {name}: PKCS#12 holds the private key")
            check(cert is not None and cert.public_bytes(serialization.Encoding.DER) == bytes(certificate.cer), f"secret {name}: PKCS#12 certificate is the leaf")
            check(len(extra) == entry["chainDepth"] - 1, f"secret {name}: PKCS#12 holds the {entry['chainDepth'] - 1} chain certificates")
            kv_key = keys.get_key(name)
            check(int.from_bytes(as_bytes(kv_key.key.n), "big") == key.public_key().public_numbers().n, f"key {name}: JWK matches the PKCS#12 private key")
        else:
            pem = secret.value.encode()
            key = serialization.load_pem_private_key(pem, None)
            chain = x509.load_pem_x509_certificates(pem)
            check(len(chain) == entry["chainDepth"], f"secret {name}: PEM holds the chain")
            check(chain[0].public_bytes(serialization.Encoding.DER) == bytes(certificate.cer), f"secret {name}: PEM leaf first")
            check(key.public_key().public_numbers() == chain[0].public_key().public_numbers(), f"secret {name}: PEM key matches the leaf")

    # --- certificates imported through the official client --------------------------------------------
    pfx, pem, leaf, ca = make_pfx("import-pw")
    imported = certificates.import_certificate("imported-pfx", pfx, password="import-pw")
    check(bytes(imported.cer) == leaf.public_bytes(serialization.Encoding.DER), "import_certificate(PFX) returns the leaf")
    backing = secrets.get_secret("imported-pfx")
    check(backing.properties.content_type == "application/x-pkcs12", "imported PFX: backing secret is PKCS#12")
    key, cert, extra = pkcs12.load_key_and_certificates(base64.b64decode(backing.value), b"")
    check(key is not None and cert is not None, "imported PFX: the backing secret parses with an empty password")
    check(cert.public_bytes(serialization.Encoding.DER) == bytes(imported.cer), "imported PFX: leaf preserved")
    check([c.public_bytes(serialization.Encoding.DER) for c in extra] == [ca.public_bytes(serialization.Encoding.DER)], "imported PFX: chain preserved")
    check(key.public_key().public_numbers() == leaf.public_key().public_numbers(), "imported PFX: private key preserved")
    imported_key = keys.get_key("imported-pfx")
    check(imported_key.properties.version == imported.properties.version, "imported PFX: key has the certificate's version")

    pem_policy = CertificatePolicy(issuer_name="Unknown", content_type=CertificateContentType.pem)
    imported_pem = certificates.import_certificate("imported-pem", pem, policy=pem_policy)
    check(bytes(imported_pem.cer) == leaf.public_bytes(serialization.Encoding.DER), "import_certificate(PEM) returns the leaf")
    pem_secret = secrets.get_secret("imported-pem")
    check(pem_secret.properties.content_type == "application/x-pem-file", "imported PEM: backing secret is PEM")
    check(len(x509.load_pem_x509_certificates(pem_secret.value.encode())) == 2, "imported PEM: chain preserved")

    # --- access control --------------------------------------------------------------------------------
    outsider_credential = ClientSecretCredential(
        tenant["id"], outsider["clientId"], outsider["secret"], authority=authority, disable_instance_discovery=True
    )
    denied = SecretClient(vault_url, outsider_credential, verify_challenge_resource=False)
    try:
        denied.get_secret("secret1")
        check(False, "an identity without a role is refused")
    except HttpResponseError as error:
        check(error.status_code == 403, "no role: 403")
        check(error.error is not None and error.error.code == "Forbidden", "no role: code Forbidden")
        inner = getattr(error.error, "innererror", None) or {}
        inner_code = inner.get("code") if isinstance(inner, dict) else getattr(inner, "code", None)
        check(inner_code == "ForbiddenByRbac", "no role: innererror ForbiddenByRbac")

    # --- managed identity over IMDS and workload identity (federated service-account token) ---------------
    identity = tenant["managedIdentities"][0]
    expected = by_name["secret1"][-1]["value"]
    os.environ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = env["AZURE_POD_IDENTITY_AUTHORITY_HOST"]
    managed = ManagedIdentityCredential(client_id=identity["clientId"])
    try:
        value = SecretClient(vault_url, managed, verify_challenge_resource=False).get_secret("secret1").value
        check(value == expected, "ManagedIdentityCredential (IMDS, user-assigned client_id) reads secret1")
    except Exception as error:  # noqa: BLE001 - report any failure as a check
        check(False, f"ManagedIdentityCredential (IMDS) reads secret1: {type(error).__name__}: {error}")
    workload = WorkloadIdentityCredential(
        tenant_id=tenant["id"], client_id=identity["clientId"], token_file_path=env["AZURE_FEDERATED_TOKEN_FILE"],
        authority=authority, disable_instance_discovery=True,
    )
    try:
        value = SecretClient(vault_url, workload, verify_challenge_resource=False).get_secret("secret1").value
        check(value == expected, "WorkloadIdentityCredential (federated token file) reads secret1")
    except Exception as error:  # noqa: BLE001
        check(False, f"WorkloadIdentityCredential reads secret1: {type(error).__name__}: {error}")

    print(f"{CHECKS - len(FAILURES)}/{CHECKS} checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
