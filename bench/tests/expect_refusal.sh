#!/usr/bin/env bash
# Passes when the command exits with status 1 and its stderr contains the
# message: bench-runtime-compare refusing a comparison for the right reason.
#   expect_refusal.sh MESSAGE CMD [ARGS...]
set -uo pipefail
message=$1
shift
stderr=$("$@" 2>&1 >/dev/null)
status=$?
if [ "$status" != 1 ] || [[ "$stderr" != *"$message"* ]]; then
  echo "expected exit 1 and '$message'; got exit $status and: $stderr" >&2
  exit 1
fi
echo "refused as expected: $stderr"
