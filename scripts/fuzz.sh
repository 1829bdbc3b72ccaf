#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan in
# build/fuzz and runs each for SECONDS (default 60) from its committed seed
# corpus (fuzz/corpus/<target>/). Exits non-zero on any finding: a crash, a
# sanitizer report, an uncaught exception, a hang (an input taking longer
# than FUZZ_TIMEOUT s, default 10) or memory over FUZZ_RSS_MB (default 2048).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# JOBS (default 2): compile jobs, and targets fuzzed at the same time.
# What libFuzzer discovers goes to build/fuzz/corpus/<target>/ (kept between
# runs, never committed); a finding's input to build/fuzz/findings/, with the
# command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;; esac
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(journal report_run sweep tuning elf protocol workload_selection gbench_output
    criterion_output)
fi
jobs="${JOBS:-2}"
build=build/fuzz

for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool is missing (scripts/install-deps.sh with ALLOC_SHOOTOUT_TEST_DEPS=1 installs it)" >&2; exit 2; }
done

# Tests off and only the `fuzzers` target: the build holds just the
# libraries the targets link.
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSHOOTOUT_BUILD_FUZZERS=ON -DSHOOTOUT_SANITIZE=address,undefined -DSHOOTOUT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzzers -j "$jobs"

# Tokens of each input language, so mutations reach past the syntax.
dict_of() {
  case "$1" in
    workload_selection) echo -dict=fuzz/selection.dict ;;
    tuning) echo -dict=fuzz/tuning.dict ;;
    elf) ;;
    *) echo -dict=fuzz/json.dict ;;
  esac
}

mkdir -p "$build/findings"
for target in "${targets[@]}"; do
  [ -x "$build/fuzz/fuzz_$target" ] || { echo "fuzz.sh: no target '$target'" >&2; exit 2; }
done

# fuzz_one TARGET: fuzzes one target; its output goes to its log, its exit
# status to $build/findings/TARGET.status.
fuzz_one() {
  local target="$1" exe="$build/fuzz/fuzz_$1" work="$build/corpus/$1"
  local log="$build/findings/$target.log" status=0
  mkdir -p "$work"
  # The first corpus directory receives new inputs; the committed seeds stay
  # untouched. detect_leaks: a parser that leaks on bad input is a finding
  # too. A smaller quarantine of freed memory (default 256 MB) keeps the RSS
  # of the selection grammar's large expansions far below -rss_limit_mb.
  ASAN_OPTIONS="detect_leaks=1:quarantine_size_mb=64" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$exe" "$work" "fuzz/corpus/$target" $(dict_of "$target") \
    -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
    -artifact_prefix="$build/findings/$target-" -print_final_stats=1 >"$log" 2>&1 || status=$?
  echo "$status" >"$build/findings/$target.status"
}

# JOBS targets at a time (each libFuzzer process is one thread, so each
# still gets a whole CPU for its SECONDS): 8 targets x 5 s take 20 s of
# the test command on 2 CPUs instead of 40.
running=0
for target in "${targets[@]}"; do
  echo "fuzz.sh: $target for ${seconds}s"
  rm -f "$build/findings/$target.status"
  fuzz_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=()
for target in "${targets[@]}"; do
  exe="$build/fuzz/fuzz_$target"
  log="$build/findings/$target.log"
  if [ "$(cat "$build/findings/$target.status" 2>/dev/null)" = 0 ]; then
    echo "fuzz.sh: $target"
    grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$log" | tail -2 | sed "s/^/  /"
  else
    failed+=("$target")
    echo "fuzz.sh: FINDING in $target (log: $log):" >&2
    grep -E 'ERROR|runtime error|invariant failed|terminate called|what\(\)|Test unit written|SUMMARY' "$log" | head -12 | sed "s/^/  /" >&2
    echo "  replay: $exe <input from $build/findings/$target-*>" >&2
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz.sh: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} target(s), ${seconds}s each, no findings"
