#!/usr/bin/env bash
# README command (a): install what is missing, build, run the default
# shootout. Extra arguments go to `alloc-shootout run` (e.g. --profile study).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh release
exec ./build/release/bin/alloc-shootout run "$@"
