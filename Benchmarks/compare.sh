#!/usr/bin/env bash
# Side-by-side: akv-mount (as a process) against the official Azure SDK for Python (sync, one secret after another as
# the Go provider fetches; asyncio with the same number in flight), on ONE emulator process with a fixed Key Vault
# latency, in the same run. Release build; everything on loopback.
#
#   bash Benchmarks/compare.sh [COUNT] [LATENCY] [CONCURRENCY]      (default 1000 20ms 16)
#
# Prints a table and, last, one summary line with the ratios. The warm in-process library client, the rate-limited
# vault and the cold-start row of issue 10 are not measured here yet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${1:-1000}"
latency="${2:-20ms}"
concurrency="${3:-16}"
venv="${INTEROP_VENV:-/tmp/akv-interop-venv}"

(cd "$root" && swift build -c release --product akv-emulator >/dev/null && swift build -c release --product akv-mount >/dev/null)
bin="$(cd "$root" && swift build -c release --show-bin-path)"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check azure-identity azure-keyvault-secrets aiohttp

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
    [[ -n "$emulator_pid" ]] && kill -TERM "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A seed: one tenant, one service principal, one vault with COUNT secrets of 64 bytes.
python3 - "$count" > "$work/seed.json" <<'PY'
import json, sys
n = int(sys.argv[1])
tenant, app, oid = "7f1c6b9e-3a52-4d0e-9a61-2b8f4c5d6e01", "11111111-aaaa-4bbb-8ccc-000000000001", "22222222-aaaa-4bbb-8ccc-000000000001"
print(json.dumps({
    "tenants": [{"id": tenant, "applications": [{"name": "bench", "clientId": app, "objectId": oid, "secret": "bench-secret"}]}],
    "vaults": [{"name": "bench-kv", "tenantId": tenant, "permissionModel": "rbac",
                "secrets": [{"name": f"bench-{i:04d}", "value": "v" * 64} for i in range(n)],
                "roleAssignments": [{"principalObjectId": oid, "role": "Key Vault Secrets User"}]}]}))
PY
"$bin/akv-emulator" serve --seed "$work/seed.json" --env-file "$work/env" --latency "$latency" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 600); do grep -q '^AKV_EMULATOR_READY=1' "$work/env" 2>/dev/null && break; sleep 0.2; done
set -a; . "$work/env"; set +a
tenant="7f1c6b9e-3a52-4d0e-9a61-2b8f4c5d6e01"; app="11111111-aaaa-4bbb-8ccc-000000000001"

python3 - "$count" "$tenant" > "$work/spc.yaml" <<'PY'
import sys
n, tenant = int(sys.argv[1]), sys.argv[2]
objects = "\n".join(f"        - |\n          objectName: bench-{i:04d}\n          objectType: secret" for i in range(n))
print(f"""apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: bench
spec:
  provider: azure
  parameters:
    keyvaultName: bench-kv
    tenantID: {tenant}
    objects: |
      array:
{objects}""")
PY
printf '{"clientid":"%s","clientsecret":"bench-secret"}' "$app" > "$work/creds.json"

seconds() { python3 -c 'import sys,time; print(f"{time.monotonic():.6f}")'; }
start="$(seconds)"
"$bin/akv-mount" mount --spc "$work/spc.yaml" --secrets "$work/creds.json" --target "$work/out" \
    --vault-url "bench-kv=$AKV_EMULATOR_VAULT_URL" --no-verify-challenge-resource --concurrency "$concurrency" \
    --log-level warning >/dev/null
end="$(seconds)"
mount_s="$(python3 -c "print(f'{$end - $start:.3f}')")"
files="$(find "$work/out/" -maxdepth 1 -name 'bench-*' | wc -l)"

py() { REQUESTS_CA_BUNDLE="$SSL_CERT_FILE" NO_PROXY=127.0.0.1 "$venv/bin/python" "$root/Benchmarks/sdk_client.py" "$@"; }
async_s="$(py async "$work/env" "$tenant" "$app" bench-secret "$AKV_EMULATOR_VAULT_URL" "$count" "$concurrency" | awk '{print $3}')"
sync_s="$(py sync "$work/env" "$tenant" "$app" bench-secret "$AKV_EMULATOR_VAULT_URL" "$count" "$concurrency" | awk '{print $3}')"

python3 - "$count" "$latency" "$concurrency" "$mount_s" "$async_s" "$sync_s" "$files" <<'PY'
import math, sys
n, latency, c, mount, aio, sync, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
n = int(n)
ms = float(latency.rstrip("ms")) / 1000 if latency.endswith("ms") else float(latency.rstrip("s"))
bound = math.ceil(n / c) * ms
print(f"{n} secrets, Key Vault latency {latency}, {c} in flight; bound ceil(N/C) x L = {bound:.3f} s")
print(f"{'client':<42}{'seconds':>10}{'x bound':>10}")
for name, value in (("akv-mount mount (whole process)", mount), ("Python SDK asyncio, same in flight", aio), ("Python SDK sync, one after another", sync)):
    print(f"{name:<42}{value:>10.3f}{value / bound:>10.2f}")
print(f"summary: mount/asyncio={mount / aio:.2f} (target <= 0.75) sync/mount={sync / mount:.1f} (target >= 15) files={files}/{n}")
PY
