#!/usr/bin/env bash
# Compiles every unity batch of every target syntax-only (-fsyntax-only:
# nothing is generated or linked), as a fresh clone batches them: two
# sources of a batch whose anonymous-namespace helpers share a name fail
# here, where a ccache build (no batches, cmake/unity_build.cmake) compiles
# them. The ASan+UBSan configuration, so the sanitizer-only code is seen.
# Every compile command runs, JOBS (default 2) at a time; exit 1 with the
# errors. About 4 CPU minutes on this tree.
#   scripts/unity-check.sh [BUILD_DIR]    (default $TMPDIR/alloc-shootout-unity-check)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-${TMPDIR:-/tmp}/alloc-shootout-unity-check}"
env -u CMAKE_CXX_COMPILER_LAUNCHER -u CMAKE_C_COMPILER_LAUNCHER \
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSHOOTOUT_SANITIZE=address,undefined \
  -DSHOOTOUT_UNITY_BUILD=ON -DCMAKE_CXX_FLAGS_DEBUG="-O0 -fsyntax-only" \
  -DCMAKE_C_FLAGS_DEBUG="-O0 -fsyntax-only" >/dev/null
cd "$build"
# Not `ninja -k 0`: with no object files nothing links, and ninja never
# starts the sources of a target that waits on an executable (the command's
# and the integration tests').
ninja -t commands | grep -- ' -c ' | sort -u >compile-commands.txt
echo "unity-check: $(wc -l <compile-commands.txt) translation units"
xargs -P "${JOBS:-2}" -d '\n' -n 1 sh -c >compile.log 2>&1 <compile-commands.txt || true
if grep -q 'error:' compile.log; then
  grep -B2 -A6 'error:' compile.log >&2
  echo "unity-check: errors above (rename the helper, share it, or list the file in SHOOTOUT_UNITY_ALONE)" >&2
  exit 1
fi
echo "unity-check: every batch compiles"
