#!/usr/bin/env bash
# Side-by-side benchmark (issue 10): akv-mount as a process, the library warm in one process (bench-library), and the
# official Azure SDK for Python (asyncio with the same number in flight; sync, one secret after another as the Go
# provider fetches), each reading from ONE akv-emulator process at a time, in the same run. Release build; loopback
# only. Scenarios: Key Vault latency, no added latency, a rate-limited vault (two concurrent mounts in one process),
# peak RSS with 4 KiB secrets, cold start of one secret. Benchmarks/compare.py says how each figure is taken.
#
#   bash Benchmarks/compare.sh [--count N] [--latency-ms L] [--concurrency C] [--runs R] [--rate R] [--rate-count N]
#                              [--skip-sync]
#
# Defaults: 1000 secrets, 20 ms, 16 in flight, median of 3 runs, 400 requests/s and 2000 secrets for the rate limit.
# Prints a table and, last, one summary line with the ratios. The SDK is installed from PyPI into a virtual
# environment ($INTEROP_VENV, default /tmp/akv-interop-venv).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${INTEROP_VENV:-/tmp/akv-interop-venv}"

(cd "$root" && for product in akv-emulator akv-mount bench-library; do swift build -c release --product "$product" >/dev/null; done)
bin="$(cd "$root" && swift build -c release --show-bin-path)"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check azure-identity azure-keyvault-secrets aiohttp

exec python3 "$root/Benchmarks/compare.py" --bin "$bin" --python "$venv/bin/python" "$@"
