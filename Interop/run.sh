#!/usr/bin/env bash
# Interoperability check: the official Azure SDK for Python (from PyPI, unmodified) against the emulators.
#
# Usage: Interop/run.sh [path/to/akv-mount]
#   Without an argument the akv-mount executable is built with `swift build --product akv-mount`.
# Environment:
#   INTEROP_VENV   where the Python virtual environment lives (default: /tmp/akv-interop-venv; reused if present)
#   INTEROP_TIMEOUT seconds to wait for the emulator to be ready (default 180)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${INTEROP_VENV:-/tmp/akv-interop-venv}"
timeout="${INTEROP_TIMEOUT:-180}"

if [[ $# -ge 1 ]]; then
    binary="$1"
else
    (cd "$root" && swift build --product akv-mount)
    binary="$root/.build/debug/akv-mount"
fi
[[ -x "$binary" ]] || { echo "interop: no executable at $binary" >&2; exit 2; }

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    azure-identity azure-keyvault-secrets azure-keyvault-keys azure-keyvault-certificates cryptography
"$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -Ei '^(azure-|msal |cryptography)' || true

work="$(mktemp -d)"
env_file="$work/emulator.env"
log_file="$work/emulator.log"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$binary" emulator --seed "$here/seed.json" --env-file "$env_file" >"$log_file" 2>&1 &
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
fi
exit $status
