#!/usr/bin/env bash
# README command (b): install what is missing, build, run every test.
#   release build: unit tests of every layer + integration tests of the
#                  real command with real allocators;
#   asan build:    AddressSanitizer + UndefinedBehaviorSanitizer, same tests;
#   tsan build:    ThreadSanitizer on the threaded workloads.
# SHOOTOUT_SKIP_SANITIZERS=1 runs only the release suite (quick local loop).
set -euo pipefail
cd "$(dirname "$0")/.."
ALLOC_SHOOTOUT_TEST_DEPS=1 ./scripts/install-deps.sh
jobs="${JOBS:-$(nproc)}"

./scripts/build.sh release
ctest --preset release -j "$jobs"

if [ "${SHOOTOUT_SKIP_SANITIZERS:-0}" != 1 ]; then
  ./scripts/build.sh asan
  ctest --preset asan -j "$jobs" -L sanitize
  ./scripts/build.sh tsan
  ctest --preset tsan -j "$jobs" -L tsan
fi
