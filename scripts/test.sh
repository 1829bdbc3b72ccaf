#!/usr/bin/env bash
# README command (b): install what is missing, build, run every test.
#   release: every layer's unit tests and the integration tests of the real
#            command with real allocators (ctest label: all);
#   asan:    AddressSanitizer + UndefinedBehaviorSanitizer on the unit tests
#            and a small plan of every workload family (label sanitize);
#   tsan:    ThreadSanitizer on the threaded workloads and the same plan
#            (label tsan);
#   fuzz:    every parser's libFuzzer target for a bounded time.
# SHOOTOUT_QUICK=1 runs only the release suite (a quick local loop);
# FUZZ_SECONDS sets the fuzzing time per target (default 5; the fuzz seeds
# are committed, so even a short run replays every known input).
set -euo pipefail
cd "$(dirname "$0")/.."
# Exported: the tests whose tools the set-up installs (Chromium) fail,
# rather than skip, when the tool is missing.
export ALLOC_SHOOTOUT_TEST_DEPS=1
./scripts/install-deps.sh
jobs="${JOBS:-$(nproc)}"
start=$(date +%s)
stage() { echo "== $1 ($(( $(date +%s) - start )) s)"; }

stage "release build"
./scripts/build.sh release
stage "release tests"
ctest --preset release -j "$jobs"

if [ "${SHOOTOUT_QUICK:-0}" != 1 ]; then
  # Only what the sanitized tests run: the default worker comes with the
  # command; the asio-shipped and link-mode workers are release-only.
  sanitized_targets=(stats_test probe_test probe_unexported_test alloc_test report_test run_test
                     workloads_test_asio alloc-shootout)
  for preset in asan tsan; do
    stage "$preset build"
    cmake --preset "$preset" >/dev/null
    if [ "$preset" = asan ]; then targets=("${sanitized_targets[@]}"); label=sanitize
    else targets=(workloads_test_asio alloc-shootout); label=tsan; fi
    cmake --build --preset "$preset" -j "$jobs" --target "${targets[@]}"
    stage "$preset tests"
    ctest --preset "$preset" -j "$jobs" -L "$label"
  done
  stage "fuzzing"
  ./scripts/fuzz.sh "${FUZZ_SECONDS:-5}"
fi
stage "all tests passed"
