#!/usr/bin/env bash
# Builds the libFuzzer harness (Fuzz/, target `akv-fuzz`) with AddressSanitizer and runs its fuzz targets.
#
#   bash Scripts/fuzz.sh [--seconds N] [--release] [--no-build] [--list] [target ...]
#
# For each target (all of them unless some are named): replays the regression inputs in Fuzz/Regressions/<target>/
# (each must run clean), then fuzzes for N seconds (default 60) starting from the seed corpus Fuzz/Corpus/<target>/
# plus whatever earlier runs found (kept under the build path, not in the repository). Prints per target the
# executions, executions per second, the final coverage (libFuzzer's cov/ft) and the crashes, and exits non-zero
# if any input crashed, leaked, ran out of time or memory. A crashing input is saved as
# <build path>/fuzz-artifacts/<target>/crash-<sha1>; copy it to Fuzz/Regressions/<target>/ once understood.
#
# Needs only the Swift toolchain (libFuzzer and the sanitizer runtimes ship with it) and what `swift build` needs
# for this package (OpenSSL headers and pkg-config for the COpenSSL module). Environment:
#   AKV_FUZZ_BUILD_PATH   build directory (default .build-fuzz)
#   AKV_FUZZ_MAX_LEN      largest input in bytes (default 65536)
#   AKV_FUZZ_TIMEOUT      seconds one input may take before it counts as a hang (default 10)
#   AKV_FUZZ_RSS_MB       memory limit in MB, also the largest single allocation (default 2048)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
configuration=debug
build=1
list=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
        --seconds=*) seconds="${1#*=}"; shift ;;
        --release) configuration=release; shift ;;
        --no-build) build=0; shift ;;
        --list) list=1; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds takes a whole number" >&2; exit 2 ;; esac

build_path="${AKV_FUZZ_BUILD_PATH:-.build-fuzz}"
max_len="${AKV_FUZZ_MAX_LEN:-65536}"
timeout="${AKV_FUZZ_TIMEOUT:-10}"
rss_mb="${AKV_FUZZ_RSS_MB:-2048}"
# `--sanitize` passes swiftc one `-sanitize=` per sanitizer and swiftc keeps only the last, which would drop the
# coverage instrumentation of Swift code; `-Xswiftc -sanitize=fuzzer,address` gives both at once.
build_args=(--build-path "$build_path" --product akv-fuzz -c "$configuration" --sanitize=fuzzer --sanitize=address
    -Xswiftc -sanitize=fuzzer,address)

export AZURE_KEYVAULT_FILES_FUZZ=1
if [ "$build" = 1 ]; then
    echo "== building akv-fuzz ($configuration, fuzzer + address sanitizer, $build_path)"
    start=$(date +%s)
    swift build "${build_args[@]}"
    echo "   built in $(( $(date +%s) - start )) s"
fi
binary="$(swift build "${build_args[@]}" --show-bin-path)/akv-fuzz"
[ -x "$binary" ] || { echo "fuzz.sh: $binary is missing; run without --no-build" >&2; exit 2; }

all_targets=$(AKV_FUZZ_TARGET=list "$binary" 2>&1 | awk 'NF {print $1}')
if [ "$list" = 1 ]; then AKV_FUZZ_TARGET=list "$binary"; exit 0; fi
if [ ${#targets[@]} -eq 0 ]; then
    # shellcheck disable=SC2206 # one name a line, no spaces
    targets=($all_targets)
fi
for target in "${targets[@]}"; do
    grep -qx -- "$target" <<<"$all_targets" || { echo "fuzz.sh: unknown target $target (try --list)" >&2; exit 2; }
done

# Leak checks stay on. Swift's runtime caches (metadata, conformances) are reachable from globals, so they are not
# reported; a real leak of a parser is. Known leaks in dependencies are suppressed, each explained in the file.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:allocator_may_return_null=0}"
# Swift's own crash backtracer would symbolicate the 170 MB binary for minutes; AddressSanitizer prints the stack.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/lsan-suppressions.txt:print_suppressions=0}"
libfuzzer_flags=(-max_len="$max_len" -timeout="$timeout" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" -print_final_stats=1)

known_failures=Fuzz/Regressions/known-failures.txt
results=()
failed=0
for target in "${targets[@]}"; do
    log_dir="$build_path/fuzz-logs"
    artifacts="$build_path/fuzz-artifacts/$target"
    corpus="$build_path/fuzz-corpus/$target"
    mkdir -p "$log_dir" "$artifacts" "$corpus"
    seeds="Fuzz/Corpus/$target"
    regressions="Fuzz/Regressions/$target"

    # 1. Regression inputs: every file runs once and must not crash; those listed in known-failures.txt (fix not
    #    landed yet) are replayed one by one and reported without failing the run.
    replayed=0
    regression_status=ok
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        inputs=()
        while IFS= read -r input; do
            if grep -qxF -- "$input" "$known_failures" 2>/dev/null; then
                if AKV_FUZZ_TARGET="$target" "$binary" "${libfuzzer_flags[@]}" -artifact_prefix="$artifacts/known-" \
                    "$input" >"$log_dir/$target.known.log" 2>&1; then
                    echo "   $input now passes: remove it from $known_failures"
                else
                    echo "   known failure (see $known_failures): $input"
                fi
            else
                inputs+=("$input")
            fi
        done < <(find "$regressions" -type f ! -name '*.md' | sort)
        replayed=${#inputs[@]}
    fi
    if [ "$replayed" -gt 0 ]; then
        echo "== $target: replaying $replayed regression input(s)"
        if ! AKV_FUZZ_TARGET="$target" "$binary" "${libfuzzer_flags[@]}" -artifact_prefix="$artifacts/regression-" \
            "${inputs[@]}" >"$log_dir/$target.regressions.log" 2>&1; then
            regression_status=FAILED
            failed=1
            echo "   a regression input crashes again; see $log_dir/$target.regressions.log" >&2
            grep -E 'ERROR|Fatal error|SUMMARY|Running:' "$log_dir/$target.regressions.log" | tail -6 >&2 || true
        fi
    fi

    # 2. Fuzzing from the seeds and the corpus earlier runs kept.
    echo "== $target: fuzzing for $seconds s"
    log="$log_dir/$target.log"
    corpus_dirs=("$corpus")  # new inputs go to the first directory only
    [ -d "$seeds" ] && corpus_dirs+=("$seeds")
    # The targets that drive a client through async code end each input with allocations still owned by tasks
    # that finish a moment later, so libFuzzer's per-input leak check (a whole-heap LeakSanitizer scan whenever
    # mallocs and frees differ) runs on every input and costs ten times the input itself. Their leak check is off.
    case "$target" in
        token-response|imds-response|keyvault-response) leak_flags=(-detect_leaks=0) ;;
        *) leak_flags=() ;;
    esac
    set +e
    AKV_FUZZ_TARGET="$target" "$binary" "${libfuzzer_flags[@]}" "${leak_flags[@]}" -max_total_time="$seconds" \
        -artifact_prefix="$artifacts/" "${corpus_dirs[@]}" >"$log" 2>&1
    status=$?
    set -e
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    final=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$final")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$final")
    crash_files=$(grep -oE "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //' || true)
    crashes=0
    if [ "$status" -ne 0 ]; then
        crashes=1
        failed=1
        echo "   CRASH (exit $status): ${crash_files:-no artifact}; see $log" >&2
        grep -E '^==[0-9]+==ERROR|Fatal error|SUMMARY|deadly signal|Timeout|out-of-memory|malloc\(' "$log" | head -4 >&2 || true
        grep -E '^ +#[0-9]+ ' "$log" | grep -vE 'libclang_rt|__sanitizer|fuzzer::|libc\.so|swift_|\$ss' | head -8 >&2 || true
    fi
    results+=("$(printf '%-18s %12s %9s %7s %7s %8s %10s' "$target" "${executions:-?}" "${per_second:-?}" "${cov:-?}" "${ft:-?}" "$crashes" "$regression_status/$replayed")")
done

echo
printf '%-18s %12s %9s %7s %7s %8s %10s\n' target executions exec/s cov ft crashes regressions
printf '%s\n' "${results[@]}"
if [ "$failed" -ne 0 ]; then
    echo "fuzz.sh: crashes found (artifacts under $build_path/fuzz-artifacts)" >&2
    exit 1
fi
