#!/usr/bin/env bash
# Interoperability checks, with clients installed from PyPI:
#   1. the official Azure SDK for Python (unmodified) against the emulators (check_emulator.py);
#   2. a Python gRPC client (grpcio, stubs generated at run time from Protos/) against akv-csi-provider on its Unix
#      socket, checked against what the SDK reads (csi_check.py).
#
# Usage: Interop/run.sh [BIN_DIR]
#   BIN_DIR holds akv-emulator and akv-csi-provider; without it they are built with `swift build`.
# Environment:
#   INTEROP_VENV   where the Python virtual environment lives (default: /tmp/akv-interop-venv; reused if present)
#   INTEROP_TIMEOUT seconds to wait for the emulator to be ready (default 180)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${INTEROP_VENV:-/tmp/akv-interop-venv}"
timeout="${INTEROP_TIMEOUT:-180}"

if [[ $# -ge 1 ]]; then
    bin="$1"
else
    (cd "$root" && swift build --product akv-emulator && swift build --product akv-csi-provider)
    bin="$root/.build/debug"
fi
for tool in akv-emulator akv-csi-provider; do
    [[ -x "$bin/$tool" ]] || { echo "interop: no executable at $bin/$tool" >&2; exit 2; }
done

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    azure-identity azure-keyvault-secrets azure-keyvault-keys azure-keyvault-certificates cryptography grpcio grpcio-tools
"$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -Ei '^(azure-|msal |cryptography|grpcio)' || true

work="$(mktemp -d)"
env_file="$work/emulator.env"
log_file="$work/emulator.log"
emulator_pid=""
provider_pid=""
cleanup() {
    if [[ -n "$provider_pid" ]] && kill -0 "$provider_pid" 2>/dev/null; then
        kill -TERM "$provider_pid" 2>/dev/null || true
        wait "$provider_pid" 2>/dev/null || true
    fi
    if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/akv-emulator" serve --seed "$here/seed.json" --env-file "$env_file" >"$log_file" 2>&1 &
emulator_pid=$!

deadline=$((SECONDS + timeout))
until [[ -f "$env_file" ]] && grep -q '^AKV_EMULATOR_READY=1' "$env_file"; do
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "interop: the emulator exited before it was ready:" >&2
        cat "$log_file" >&2
        exit 1
    fi
    if (( SECONDS > deadline )); then
        echo "interop: the emulator was not ready after ${timeout}s:" >&2
        cat "$log_file" >&2
        exit 1
    fi
    sleep 0.2
done
echo "interop: emulator ready (pid $emulator_pid)"

ca_file="$(grep '^SSL_CERT_FILE=' "$env_file" | head -n1 | cut -d= -f2-)"
status=0
REQUESTS_CA_BUNDLE="$ca_file" SSL_CERT_FILE="$ca_file" NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost" \
    "$venv/bin/python" "$here/check_emulator.py" "$env_file" "$here/seed.json" || status=$?
if [[ $status -ne 0 ]]; then
    echo "interop: FAILED (exit $status); emulator log:" >&2
    tail -n 50 "$log_file" >&2
    exit $status
fi

echo "== akv-csi-provider against a Python gRPC client"
socket="$work/azure.sock"
provider_log="$work/provider.log"
set -a; . "$env_file"; set +a
vault_name="$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["vaults"][0]["name"])' "$here/seed.json")"
"$bin/akv-csi-provider" --endpoint="unix://$socket" --healthz-port=0 --healthz-address=127.0.0.1 \
    --vault-url "$vault_name=$AKV_EMULATOR_VAULT_URL" \
    >"$provider_log" 2>&1 &
provider_pid=$!
for _ in $(seq 1 200); do [[ -S "$socket" ]] && break; sleep 0.05; done
NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost" \
    "$venv/bin/python" "$here/csi_check.py" "$env_file" "$here/seed.json" "$socket" "$root/Protos" || status=$?
kill -TERM "$provider_pid" 2>/dev/null || true
wait "$provider_pid" 2>/dev/null || provider_status=$?
if [[ $status -ne 0 ]]; then
    echo "interop: CSI check FAILED (exit $status); provider log:" >&2
    tail -n 50 "$provider_log" >&2
fi
if grep -q "$AZURE_CLIENT_SECRET" "$provider_log"; then
    echo "interop: the provider log holds the client secret" >&2
    status=1
fi
exit $status
