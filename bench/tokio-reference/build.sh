#!/usr/bin/env bash
# Builds the Tokio reference as a fresh Debian 12 machine builds it: Debian's
# cargo and rustc (never a rustup toolchain earlier in PATH), Debian's crates
# as the only registry (.cargo/config.toml), offline.
#   bench/tokio-reference/build.sh TARGET_DIR    prints the built program's path
# Exit 77 (a skip, for ctest) when Debian's cargo or tokio crate is missing:
# `ALLOC_SHOOTOUT_BENCH_DEPS=1 scripts/install-deps.sh` installs them.
set -euo pipefail
target_dir=$(realpath -m "${1:?usage: build.sh TARGET_DIR}")
cd "$(dirname "$0")"
if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ] ||
  ! compgen -G '/usr/share/cargo/registry/tokio-1.*' >/dev/null; then
  echo "tokio-reference: Debian's cargo and librust-tokio-dev are needed" \
    "(ALLOC_SHOOTOUT_BENCH_DEPS=1 scripts/install-deps.sh)" >&2
  exit 77
fi
RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$target_dir" /usr/bin/cargo build --release --offline --quiet
echo "$target_dir/release/tokio-reference"
