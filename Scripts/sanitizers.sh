#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in a build directory of its own.
#
#   bash Scripts/sanitizers.sh [--address] [--thread] [--filter REGEX] [--leaks] [--keep-going]
#
# Without --address or --thread both run (address first). --filter is passed to `swift test --filter` (for
# example "SecretsStoreProviderTests|MountWriterTests|AzureCoreTests"). --leaks turns on LeakSanitizer in the
# address run (off by default: test harnesses keep detached tasks and caches alive until exit, which it reports).
# --keep-going runs the thread sanitizer even when the address run failed.
#
# Each run's output goes to <build path>/sanitizer-test.log; a summary names every distinct sanitizer report
# (its kind and the first frame in this package's code, else the first frame) and how long the run took. A
# ThreadSanitizer race that is a known hand-over ThreadSanitizer cannot see (both accesses inside `withLock` of a
# Synchronization.Mutex; a continuation's resume against the resumed task's frame) is listed apart, not counted.
# Exits non-zero when a run failed or a counted report came.
# Environment: AKV_SANITIZER_BUILD_PREFIX (default .build-) gives the build paths (.build-asan, .build-tsan).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=()
filter=()
leaks=0
keep_going=0
while [ $# -gt 0 ]; do
    case "$1" in
        --address) sanitizers+=(address); shift ;;
        --thread) sanitizers+=(thread); shift ;;
        --filter) filter=(--filter "${2:?--filter needs a value}"); shift 2 ;;
        --filter=*) filter=(--filter "${1#*=}"); shift ;;
        --leaks) leaks=1; shift ;;
        --keep-going) keep_going=1; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "sanitizers.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
prefix="${AKV_SANITIZER_BUILD_PREFIX:-.build-}"

# Reports go to stderr with the process running on (so one run lists every report, not the first only).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=$leaks:halt_on_error=0:abort_on_error=0}"
# Synchronization.Mutex takes a contended lock inside the kernel on Linux, which ThreadSanitizer cannot see, so it
# reports accesses under such a lock as races. Those reports are kept, and the summary lists them apart as lock
# hand-overs (Scripts/sanitizer-reports.py; Scripts/tsan-mutex-demo.swift shows the false positive in isolation).
# No suppressions file: a report is always printed, so the classification can be checked in the log.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}"

summaries=()
failed=0
for sanitizer in "${sanitizers[@]}"; do
    case "$sanitizer" in address) short=asan ;; thread) short=tsan ;; esac
    build_path="${prefix}${short}"
    mkdir -p "$build_path"
    log="$build_path/sanitizer-test.log"
    echo "== swift test --sanitize=$sanitizer ${filter[*]:-} (build path $build_path, log $log)"
    start=$(date +%s)
    set +e
    AKV_SANITIZER="$sanitizer" swift test --build-path "$build_path" --sanitize="$sanitizer" "${filter[@]}" >"$log" 2>&1
    status=$?
    set -e
    elapsed=$(( $(date +%s) - start ))
    # Distinct reports (kind and first frame in our code); known hand-overs are listed apart and not counted.
    set +e
    reports=$(python3 Scripts/sanitizer-reports.py "$log")
    set -e
    count=$(echo "$reports" | sed -n 's/^counted=\([0-9]*\).*/\1/p')
    handovers=$(echo "$reports" | sed -n 's/.*handovers=\([0-9]*\).*/\1/p')
    reports=$(echo "$reports" | grep -v '^counted=' || true)
    tests=$(grep -E 'Test run with [0-9]+ tests|Executed [0-9]+ tests' "$log" | tail -2 | tr '\n' ' ')
    echo "   exit $status after ${elapsed} s; $count sanitizer report(s), ${handovers:-0} hand-over(s) not counted; ${tests}"
    if [ -n "$reports" ]; then echo "$reports" | sed 's/^/   /'; fi
    summaries+=("$sanitizer: exit $status, ${elapsed} s, $count report(s), ${handovers:-0} hand-over(s)")
    if [ "$status" -ne 0 ] || [ "${count:-1}" -ne 0 ]; then
        failed=1
        [ "$keep_going" = 1 ] || break
    fi
done

echo
printf '%s\n' "${summaries[@]}"
exit "$failed"
