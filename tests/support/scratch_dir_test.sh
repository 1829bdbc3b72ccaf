#!/usr/bin/env bash
# A test process's scratch directory (support/scratch_dir.h) is gone once
# every test passed, and kept, its path printed, when one failed.
#   scratch_dir_test.sh PROBE WORK_DIR
# PROBE: scratch_dir_probe; WORK_DIR: emptied, then the runs' TMPDIR.
set -euo pipefail
probe=$1
work=$2
rm -rf "$work" "$work.log"
mkdir -p "$work"
fail() {
  echo "FAILED: $*" >&2
  cat "$work.log" >&2 || true
  exit 1
}

TMPDIR="$work" "$probe" >"$work.log" 2>&1 || fail "the passing run failed"
[ -z "$(ls -A "$work")" ] || fail "left behind after every test passed: $(ls -A "$work")"

if TMPDIR="$work" SCRATCH_PROBE_FAIL=1 "$probe" >"$work.log" 2>&1; then
  fail "the run told to fail passed"
fi
kept=("$work"/alloc-shootout-test-*)
[ ${#kept[@]} -eq 1 ] && [ -f "${kept[0]}/written/file" ] ||
  fail "no scratch directory with the test's file kept after a failure"
grep -qF "scratch directory kept for debugging: ${kept[0]}" "$work.log" ||
  fail "the kept directory's path is not printed"
rm -rf "$work" "$work.log"
echo "scratch directory: removed after a pass, kept and named after a failure"
