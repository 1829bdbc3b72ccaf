#!/usr/bin/env bash
# Installs, from Debian's repositories, whatever the build, the tests and the
# default shootout need and this machine lacks. Idempotent: a second run
# installs nothing and says so. Needs root (or sudo).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config
  # libraries the tool is built on
  libasio-dev libcli11-dev nlohmann-json3-dev libfmt-dev libgtest-dev
  # the allocators under test (shared objects for preload, -dev for link mode)
  libjemalloc2 libjemalloc-dev
  libmimalloc2.0 libmimalloc-dev
  libtcmalloc-minimal4 libgoogle-perftools-dev
  libtbbmalloc2 libtbb-dev
  # charts in report.html
  gnuplot-nox
  # --probes strace (the study's method, for comparison)
  strace
)
if [ "${ALLOC_SHOOTOUT_TEST_DEPS:-0}" = 1 ]; then
  # sanitizer builds (clang's runtimes) and the exec tests' small programs;
  # headless Chromium (and a font for its text) for the test that opens
  # report.html (HtmlReport.RendersInHeadlessChromiumWithCharts); the
  # google/benchmark suite the `bench` tests build (tests/bench_suite); the
  # Criterion.rs suite they build offline with Debian's cargo from Debian's
  # crates (tests/bench_suite/criterion: Criterion 0.3.6 and 58 more crates,
  # about 140 s of CPU at the opt-level its Cargo.toml sets)
  packages+=(clang libclang-rt-14-dev chromium fonts-dejavu-core libbenchmark-dev
             cargo librust-criterion-dev)
fi

if [ "${ALLOC_SHOOTOUT_BENCH_DEPS:-0}" = 1 ]; then
  # bench/run.sh runtime: the Tokio reference, built offline by Debian's
  # cargo from Debian's crates (tokio 1.24 with every feature it uses).
  packages+=(cargo librust-tokio-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${#missing[@]} package(s)"
