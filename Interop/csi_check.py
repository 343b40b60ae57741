"""Independent check of akv-csi-provider: a Python gRPC client (grpcio, stubs generated at run time from the
repository's .proto files with grpcio-tools) calls the provider on its Unix socket, the way the Secrets Store CSI
driver does, and checks files, modes and versions against what the official Azure SDK reads from the same emulator.

Usage: csi_check.py ENV_FILE SEED_JSON SOCKET_PATH PROTO_DIR
"""
import base64
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import grpc
from azure.identity import ClientSecretCredential
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

env_path, seed_path, socket_path, proto_dir = sys.argv[1:5]
env = {}
for line in open(env_path):
    line = line.strip()
    if line and not line.startswith("#") and "=" in line:
        key, value = line.split("=", 1)
        env[key] = value.strip("'")
seed = json.load(open(seed_path))

# Generate the stubs from the same .proto files the Swift server was generated from. The health proto is compiled from
# a copy at the top level, so that its module does not collide with the installed `grpc` package.
out = tempfile.mkdtemp()
health_dir = tempfile.mkdtemp()
shutil.copy(os.path.join(proto_dir, "grpc/health/v1/health.proto"), os.path.join(health_dir, "health.proto"))
for include, proto in ((proto_dir, "v1alpha1/service.proto"), (health_dir, "health.proto")):
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}", proto],
        check=True,
    )
open(os.path.join(out, "v1alpha1", "__init__.py"), "a").close()
sys.path.insert(0, out)
service_pb2 = importlib.import_module("v1alpha1.service_pb2")
service_grpc = importlib.import_module("v1alpha1.service_pb2_grpc")
health_pb2 = importlib.import_module("health_pb2")
health_grpc = importlib.import_module("health_pb2_grpc")

passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


tenant = seed["tenants"][0]
vault = seed["vaults"][0]["name"]
sp = next(a for a in tenant["applications"] if a.get("secret") and a.get("name") == "interop-sp")
managed = tenant["managedIdentities"][0]
federated = tenant["federatedCredentials"][0]
vault_url = env[f"AKV_EMULATOR_VAULT_URL"]

channel = grpc.insecure_channel(f"unix://{socket_path}")
client = service_grpc.CSIDriverProviderStub(channel)
health = health_grpc.HealthStub(channel)


def objects(entries):
    return "array:\n" + "\n".join("  - |\n" + "\n".join("    " + l for l in e.split("\n")) for e in entries)


def mount(parameters, secrets=None, tokens=None):
    attributes = dict(parameters)
    attributes.update({
        "secretProviderClass": "interop",
        "csi.storage.k8s.io/pod.name": "py-0",
        "csi.storage.k8s.io/pod.namespace": federated["namespace"],
        "csi.storage.k8s.io/pod.uid": "11111111-2222-3333-4444-555555555555",
        "csi.storage.k8s.io/serviceAccount.name": federated["serviceAccount"],
        "csi.storage.k8s.io/ephemeral": "false",
    })
    if tokens:
        attributes["csi.storage.k8s.io/serviceAccount.tokens"] = tokens
    request = service_pb2.MountRequest(
        attributes=json.dumps(attributes),  # Go's json.Marshal of a map[string]string
        secrets=json.dumps(secrets),  # None -> "null", as the driver sends without a nodePublishSecretRef
        permission=json.dumps(0o644),  # "420"
        target_path="/var/lib/kubelet/pods/11111111-2222-3333-4444-555555555555/volumes/kubernetes.io~csi/v/mount",
    )
    return client.Mount(request, timeout=60)


version = client.Version(service_pb2.VersionRequest(version="v1alpha1"), timeout=10)
check("Version answers v1alpha1", version.version == "v1alpha1", str(version))
check("Version names the runtime", version.runtime_name == "akv-csi-provider" and version.runtime_version.count(".") == 2, str(version))
status = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10).status
check("Health Check is SERVING", status == health_pb2.HealthCheckResponse.SERVING, str(status))

# The official SDK reads the same vault: the provider's bytes and versions must match what it sees.
credential = ClientSecretCredential(
    tenant["id"], sp["clientId"], sp["secret"], authority=env["AZURE_AUTHORITY_HOST"], disable_instance_discovery=True
)
secrets_sdk = SecretClient(vault_url, credential, verify_challenge_resource=False)
keys_sdk = KeyClient(vault_url, credential, verify_challenge_resource=False)
secret1 = secrets_sdk.get_secret("secret1")
plain = secrets_sdk.get_secret("plain")
rsa_jwk = keys_sdk.get_key("rsa-key")

base = {"keyvaultName": vault, "tenantID": tenant["id"]}
sp_parameters = dict(base, objects=objects([
    "objectName: secret1\nobjectType: secret\nfilePermission: \"0600\"",
    "objectName: plain\nobjectType: secret\nobjectAlias: dir/plain.txt",
    "objectName: rsa-key\nobjectType: key",
    "objectName: chain-cert\nobjectType: cert",
    "objectName: chain-cert\nobjectType: secret\nobjectAlias: chain.pem",
    "objectName: secret1\nobjectType: secret\nobjectVersionHistory: 2\nobjectAlias: history",
]))
response = mount(sp_parameters, secrets={"clientid": sp["clientId"], "clientsecret": sp["secret"]})
files = {f.path: f for f in response.files}
versions = {v.id: v.version for v in response.object_version}
check("service principal: files in object order",
      [f.path for f in response.files] == ["secret1", "dir/plain.txt", "rsa-key", "chain-cert", "chain.pem", "history/0", "history/1"],
      str([f.path for f in response.files]))
check("secret bytes equal the SDK's value", files["secret1"].contents == secret1.value.encode())
check("filePermission 0600 gives mode 0600", files["secret1"].mode == 0o600, oct(files["secret1"].mode))
check("default mode is the driver's 0644", files["dir/plain.txt"].mode == 0o644, oct(files["dir/plain.txt"].mode))
check("aliased secret bytes", files["dir/plain.txt"].contents == plain.value.encode())
check("secret version equals the SDK's", versions.get("secret/secret1") == secret1.properties.version, str(versions))
public = serialization.load_pem_public_key(files["rsa-key"].contents)
n = int.from_bytes(rsa_jwk.key.n, "big")
check("key PEM holds the JWK's modulus", isinstance(public, rsa.RSAPublicKey) and public.public_numbers().n == n)
check("key version equals the SDK's", versions.get("key/rsa-key") == rsa_jwk.properties.version)
leaf = files["chain-cert"].contents.decode()
check("cert is one CERTIFICATE block", leaf.count("BEGIN CERTIFICATE") == 1)
chain = files["chain.pem"].contents.decode()
check("cert-backed secret is the key then the chain", chain.startswith("-----BEGIN PRIVATE KEY-----") and chain.count("BEGIN CERTIFICATE") >= 2)
check("history gives exactly 2 files, newest first", files["history/0"].contents == secret1.value.encode() and "history/2" not in files)
check("history versions are ids with the index", "secret/secret1/0" in versions and "secret/secret1/1" in versions, str(versions))

# Managed identity (the add-on's user-assigned identity) and workload identity (secrets = null).
mi = mount(dict(base, useVMManagedIdentity="true", userAssignedIdentityID=managed["clientId"],
                objects=objects(["objectName: secret1\nobjectType: secret"])))
check("managed identity mount", [f.contents for f in mi.files] == [secret1.value.encode()])
token = open(env["AZURE_FEDERATED_TOKEN_FILE"]).read().strip()
tokens = json.dumps({"api://AzureADTokenExchange": {"token": token, "expirationTimestamp": "2099-01-01T00:00:00Z"}})
wi = mount(dict(base, clientID=federated["clientId"], objects=objects(["objectName: secret1\nobjectType: secret"])), tokens=tokens)
check("workload identity mount", [f.contents for f in wi.files] == [secret1.value.encode()])

# Errors carry a code a client can act on, and the Go provider's text.
def error_of(parameters, secrets=None):
    try:
        mount(parameters, secrets)
    except grpc.RpcError as error:
        return error
    return None

e = error_of({"tenantID": tenant["id"], "objects": objects(["objectName: a\nobjectType: secret"])},
             {"clientid": sp["clientId"], "clientsecret": sp["secret"]})
check("missing keyvaultName is INVALID_ARGUMENT", e is not None and e.code() == grpc.StatusCode.INVALID_ARGUMENT and e.details() == "keyvaultName is not provided", str(e and e.details()))
e = error_of(dict(base, objects=objects(["objectName: missing-object\nobjectType: secret"])),
             {"clientid": sp["clientId"], "clientsecret": sp["secret"]})
check("missing object is NOT_FOUND", e is not None and e.code() == grpc.StatusCode.NOT_FOUND and "missing-object" in e.details(), str(e and e.details()))
e = error_of(dict(base, objects=objects(["objectName: secret1\nobjectType: secret"])),
             {"clientid": sp["clientId"], "clientsecret": "wrong-secret"})
check("wrong client secret is UNAUTHENTICATED", e is not None and e.code() == grpc.StatusCode.UNAUTHENTICATED and "wrong-secret" not in e.details(), str(e and e.details()))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
