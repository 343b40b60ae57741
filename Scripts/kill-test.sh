#!/usr/bin/env bash
# The kill test of issue 13 at full size: `akv-mount mount --rotation-interval 1s`, contents changing every round,
# killed with SIGKILL at 200 random moments; after each kill exactly one complete set is visible, and a restart
# converges. `swift test` runs the same test with 20 kills. Usage: Scripts/kill-test.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
AKV_KILL_ROUNDS="${1:-200}" swift test --filter KillTests 2>&1 | grep -E "Kill test:|✘|passed after|failed after" | tail -5
