#!/usr/bin/env bash
# The tool's own benchmarks (README "Benchmarks"). Each measures time, so run
# one at a time on an otherwise idle machine — never beside another benchmark.
#   bench/run.sh overhead      counters on vs off vs strace, in lockstep
#   bench/run.sh stability     the same std/jemalloc/mimalloc comparison twice
#   bench/run.sh time          wall time of the default quick shootout
#   bench/run.sh time-study    wall time of the same matrix at the study profile
#   bench/run.sh aa            A/A: the default plan with glibc, then jemalloc, under two
#                              names; counts cells with a false verdict (README "Statistics")
#                              (extra arguments go to every `run`, e.g. -w mpsc/64)
#   bench/run.sh runtime       Asio against bench/tokio-reference (Tokio 1.24, Debian's crates)
#                              under the same allocators, in interleaved rounds; first proves
#                              both do the same work (elements, checksums). Tunable by env:
#                              RUNTIME_CASES, RUNTIME_PAYLOADS, RUNTIME_ALLOCATORS, RUNTIME_ROUNDS,
#                              RUNTIME_SAMPLE_MS, RUNTIME_WARM_UP_MS (smoke: see README)
# Output: bench/out/<name>-<UTC time>/ (run directories and a summary .txt).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${SHOOTOUT_BUILD:-build/release}"   # another build dir of the project works too
tool=$build/bin/alloc-shootout
ratios=$build/bin/bench-paired-ratios
compare=$build/bin/bench-runtime-compare
[ -x "$tool" ] && [ -x "$ratios" ] && [ -x "$compare" ] || ./scripts/build.sh release >/dev/null
stamp=$(date -u +%Y-%m-%dT%H-%M-%SZ)
what="${1:-}"
shift || true
out="bench/out/$what-$stamp"
mkdir -p "$out"

case "$what" in
  overhead)
    # Cells where counters could cost most: many syscalls and faults
    # (zeroed 32 KiB under jemalloc), many wake-ups (small messages), spawns;
    # and the densest events without scheduling noise: 1000 zeroed 32 KiB
    # payloads held on one thread (std: ~6800 faults and 200 brk per
    # iteration, jemalloc ~1100 faults and 120 madvise), whose narrow CI
    # resolves a cost of a few percent.
    "$tool" run -a std,jemalloc,mimalloc --probes counters,off,strace --profile standard \
      -w 'mpsc/64,mpsc/32768,spawn_many/1000,block_on_alloc/1000x32768' --payload zeroed \
      --no-allocation-profile \
      --out "$out/run" >"$out/run.log" 2>&1 || true
    "$ratios" "$out/run" | tee "$out/summary.txt"
    ;;
  stability)
    for pass in a b; do
      "$tool" run -a std,jemalloc,mimalloc --profile quick \
        -w 'mpsc/{64,4096,32768},spawn_many/1000,block_on_alloc/1000x4096,alloc_stress/1000' \
        --payload zeroed,filled --no-allocation-profile --out "$out/$pass" >"$out/$pass.log" 2>&1 || true
    done
    "$ratios" "$out/a" "$out/b" | tee "$out/summary.txt"
    ;;
  time | time-study)
    # time: the default shootout (quick profile); time-study: the same study
    # matrix at the study profile (50 samples, 3 s measurement, 1 s warm-up).
    profile=quick
    [ "$what" = time-study ] && profile=study
    start=$(date +%s)
    "$tool" run --profile "$profile" --out "$out/run" >"$out/run.log" 2>&1 || true
    end=$(date +%s)
    cells=$(grep -c '"type":"cell"' "$out/run/samples.jsonl" || true)
    printf 'default shootout, profile %s: %d s wall, %s cells\n' "$profile" "$((end - start))" \
      "$cells" | tee "$out/summary.txt"
    ;;
  aa)
    # The same allocator under two names must give the same answer: any
    # faster/slower/within-noise verdict between them is false. glibc: std
    # (no preload) against libc.so.6 preloaded as "glibc2"; jemalloc: the
    # registry's jemalloc against the same object as "jemalloc2". awk reads
    # all of ldconfig's output: an early exit would SIGPIPE it, and pipefail
    # would end the script.
    libc=$(ldconfig -p | awk '/libc\.so\.6 \(libc6,x86-64\)/ && !found {found = $NF} END {print found}')
    libjemalloc=$(ldconfig -p | awk '/libjemalloc\.so\.2 \(libc6,x86-64\)/ && !found {found = $NF} END {print found}')
    [ -n "$libc" ] && [ -n "$libjemalloc" ] || {
      echo "bench/run.sh aa: libc.so.6 or libjemalloc.so.2 not found by ldconfig -p" >&2
      exit 1
    }
    "$tool" run --allocator "glibc2=$libc" -a std,glibc2 --no-allocation-profile "$@" \
      --out "$out/glibc" >"$out/glibc.log" 2>&1 || true
    "$tool" run --allocator "jemalloc2=$libjemalloc" -a jemalloc,jemalloc2 --baseline jemalloc \
      --no-allocation-profile "$@" --out "$out/jemalloc" >"$out/jemalloc.log" 2>&1 || true
    {
      echo "A/A: the same allocator under two names ($*)"
      for pair in glibc jemalloc; do
        echo "$pair:"
        "$ratios" --aa "$out/$pair" || echo "  (no results: see $out/$pair.log)"
      done
    } | tee "$out/summary.txt"
    ;;
  runtime)
    # The Tokio reference: Debian's cargo and crates, offline
    # (bench/tokio-reference/build.sh); its build lives beside the project's.
    if [ ! -x /usr/bin/cargo ] || ! compgen -G '/usr/share/cargo/registry/tokio-1.*' >/dev/null; then
      ALLOC_SHOOTOUT_BENCH_DEPS=1 ./scripts/install-deps.sh
    fi
    reference=$(bench/tokio-reference/build.sh "$build/tokio-reference")
    # The issue's and the study's channel, spawn and block_on cases.
    default_cases='spawn_many/{1000,10000},spawn_many_local/10k,mpsc/{64,1024,4096,32768}'
    default_cases+=',mpsc_large/5x1000_32KB,block_on_alloc/{100x4096,1000x4096}'
    cases="${RUNTIME_CASES:-$default_cases}"
    common=(--tokio "$reference" --cases "$cases"
      --payloads "${RUNTIME_PAYLOADS:-zeroed,filled}"
      --allocators "${RUNTIME_ALLOCATORS:-std,jemalloc,mimalloc,tcmalloc}")
    # Same work first: every process started, one iteration each; a
    # difference in elements, payload bytes or checksum stops here.
    status=0
    "$compare" "${common[@]}" --check-only --out "$out/check" | tee "$out/check.txt" ||
      status=${PIPESTATUS[0]}
    if [ "$status" = 1 ]; then
      echo "bench/run.sh runtime: FAILED: Asio and Tokio did not do the same work (above)" >&2
    fi
    [ "$status" = 0 ] || exit "$status"
    # 30 rounds of ~50 ms samples per process: the standard profile's 30
    # samples over 2 s (67 ms each on average).
    "$compare" "${common[@]}" --rounds "${RUNTIME_ROUNDS:-30}" \
      --sample-ms "${RUNTIME_SAMPLE_MS:-50}" --warm-up-ms "${RUNTIME_WARM_UP_MS:-500}" \
      --out "$out" | tee "$out/summary.txt"
    ;;
  *)
    echo "usage: bench/run.sh overhead|stability|time|time-study|aa|runtime" >&2
    exit 2
    ;;
esac
echo "results in $out"
