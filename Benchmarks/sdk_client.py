"""The official Azure SDK for Python reading N secrets from the emulator, as a peer of akv-mount in compare.sh.

Usage: sdk_client.py sync|async ENV_FILE TENANT CLIENT_ID SECRET VAULT_URL COUNT CONCURRENCY
Prints one line: `<mode> <count> <seconds>` (the fetch only, credential and first token included).
"""
import asyncio
import sys
import time

mode, env_file, tenant, client_id, secret, vault_url, count, concurrency = sys.argv[1:9]
count, concurrency = int(count), int(concurrency)
env = dict(line.strip().split("=", 1) for line in open(env_file) if "=" in line and not line.startswith("#"))
authority = env["AZURE_AUTHORITY_HOST"].strip("'")
names = [f"bench-{i:04d}" for i in range(count)]

if mode == "sync":
    from azure.identity import ClientSecretCredential
    from azure.keyvault.secrets import SecretClient

    started = time.monotonic()
    credential = ClientSecretCredential(tenant, client_id, secret, authority=authority, disable_instance_discovery=True)
    client = SecretClient(vault_url, credential, verify_challenge_resource=False)
    for name in names:  # one after another, as the Go provider fetches
        assert client.get_secret(name).value
    print(f"sync {count} {time.monotonic() - started:.3f}")
else:
    from azure.identity.aio import ClientSecretCredential
    from azure.keyvault.secrets.aio import SecretClient

    async def main():
        started = time.monotonic()
        credential = ClientSecretCredential(tenant, client_id, secret, authority=authority, disable_instance_discovery=True)
        async with SecretClient(vault_url, credential, verify_challenge_resource=False) as client:
            gate = asyncio.Semaphore(concurrency)

            async def one(name):
                async with gate:
                    assert (await client.get_secret(name)).value

            await asyncio.gather(*(one(name) for name in names))
        await credential.close()
        print(f"async {count} {time.monotonic() - started:.3f}")

    asyncio.run(main())
