#!/usr/bin/env bash
# Builds the Criterion.rs suite of `bench`'s tests as `cargo bench --no-run`
# builds a user's, on a fresh Debian 12 machine: Debian's cargo and rustc
# (never a rustup toolchain earlier in PATH), Debian's crates as the only
# registry (.cargo/config.toml), offline.
#   build.sh TARGET_DIR    copies the bench binary to
#                          TARGET_DIR/criterion_fixture_suite, prints its path
# Exit 77 (a skip, for ctest) when Debian's cargo or librust-criterion-dev is
# missing: `ALLOC_SHOOTOUT_BENCH_DEPS=1 scripts/install-deps.sh` installs them.
set -euo pipefail
target_dir=$(realpath -m "${1:?usage: build.sh TARGET_DIR}")
cd "$(dirname "$0")"
if [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/rustc ] ||
  ! compgen -G '/usr/share/cargo/registry/criterion-0.3.*' >/dev/null; then
  echo "criterion suite: not built: Debian's cargo and librust-criterion-dev are needed" \
    "(ALLOC_SHOOTOUT_BENCH_DEPS=1 scripts/install-deps.sh installs them)" >&2
  exit 77
fi
mkdir -p "$target_dir"
start=$(date +%s)
# The JSON messages name the bench binary (cargo adds a hash to its name).
RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$target_dir" /usr/bin/cargo bench --no-run --offline \
  --quiet --message-format=json >"$target_dir/cargo-messages.json"
executable=$(grep -o '"executable":"[^"]*/criterion_fixture_suite-[^"]*"' \
  "$target_dir/cargo-messages.json" | tail -n 1 | cut -d '"' -f 4)
if [ -z "$executable" ] || [ ! -x "$executable" ]; then
  echo "criterion suite: cargo built no bench binary (messages in $target_dir/cargo-messages.json)" >&2
  exit 1
fi
cp "$executable" "$target_dir/criterion_fixture_suite"
echo "criterion suite: built in $(($(date +%s) - start)) s" >&2
echo "$target_dir/criterion_fixture_suite"
