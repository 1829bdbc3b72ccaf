#!/usr/bin/env bash
# ARM64 (issue 8, item 4): cross-compiles the unit tests for aarch64 with
# Debian's cross toolchain and arm64 -dev packages (multiarch), and runs them
# under qemu-aarch64 user mode. Installs what is missing, from Debian's
# repositories, saying what (like install-deps.sh); a second run installs
# nothing. Needs root (or sudo) only when something is missing.
#   scripts/cross-test-arm64.sh [ctest arguments...]
# Layers tested: SHOOTOUT_ARM64_LAYERS (default: stats journal alloc
# workloads probe report; a layer without tests/<layer>/ is skipped). The
# workloads also run with the 16 and 64 KiB pages of other ARM64 kernels as
# the page size the program is told (SHOOTOUT_ARM64_PAGE_SIZES).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
build=build/arm64
jobs="${JOBS:-2}"
layers=(${SHOOTOUT_ARM64_LAYERS:-stats journal alloc workloads probe report})
page_sizes=(${SHOOTOUT_ARM64_PAGE_SIZES-16384 65536})

# Build machine: the cross compiler, qemu and the build tools; the
# header-only libraries are architecture-independent (Architecture: all).
host_packages=(g++-aarch64-linux-gnu qemu-user cmake ninja-build pkg-config
               libasio-dev libcli11-dev nlohmann-json3-dev)
# Target: the compiled libraries the build links (fmt, GoogleTest; they pull
# in the arm64 C library and loader qemu runs the tests with) and the
# allocators the alloc tests find in the loader cache. The allocators' -dev
# packages are left out: libjemalloc-dev cannot be installed for two
# architectures at once, and link-mode workers are not unit tests.
target_packages=(libfmt-dev:arm64 libgtest-dev:arm64
                 libjemalloc2:arm64 libmimalloc2.0:arm64 libtcmalloc-minimal4:arm64
                 libtbbmalloc2:arm64)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

sudo_cmd=()
need_root() {
  if [ "$(id -u)" != 0 ] && [ ${#sudo_cmd[@]} -eq 0 ]; then
    command -v sudo >/dev/null || { echo "cross-test-arm64: need root or sudo to $1" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
}
apt_get() {
  # Other apt users (install-deps.sh of a parallel session) hold the lock for a while.
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 "$@"
}

updated=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  need_root "add the arm64 architecture"
  echo "cross-test-arm64: adding the arm64 architecture to dpkg (multiarch)"
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
  apt_get update -qq
  updated=1
fi
missing=()
for p in "${host_packages[@]}" "${target_packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "cross-test-arm64: all $(( ${#host_packages[@]} + ${#target_packages[@]} )) packages already installed"
else
  need_root "install ${missing[*]}"
  echo "cross-test-arm64: installing ${missing[*]}"
  [ "$updated" = 1 ] || apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "cross-test-arm64: installed ${#missing[@]} package(s)"
fi

cmake -S . -B "$build" -G Ninja --toolchain "$PWD/cmake/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOOTOUT_BUILD_TESTS=ON >/dev/null
# Only the chosen test directories (and what they link), not the whole tree.
dirs=()
targets=()
for layer in "${layers[@]}"; do
  if [ -f "tests/$layer/CMakeLists.txt" ]; then
    dirs+=("$build/tests/$layer")
    targets+=("tests/$layer/all")
  fi
done
[ ${#targets[@]} -gt 0 ] || { echo "cross-test-arm64: no test directory among: ${layers[*]}" >&2; exit 2; }
echo "cross-test-arm64: building ${targets[*]} for aarch64"
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# Allocator discovery reads the loader cache through `ldconfig -p`. Under
# qemu-user that is the build machine's x86-64 ldconfig, whose cache holds no
# arm64 library. Give the tests the target's own: Debian's arm64 ldconfig
# (libc-bin:arm64, unpacked here, not installed) run under qemu over its
# built-in arm64 library directories only (-f /dev/null), into a cache of its
# own (-C), without touching symlinks (-X), in a private mount namespace so
# its auxiliary cache goes to $emu/aux, not to this machine's /var/cache.
emu="$PWD/$build/emulation"
qemu=$(command -v qemu-aarch64)
emulated_cache() {
  mkdir -p "$emu/bin" "$emu/aux"
  if [ ! -x "$emu/root/sbin/ldconfig" ]; then
    echo "cross-test-arm64: fetching libc-bin:arm64 for its ldconfig (unpacked into $emu/root, not installed)"
    rm -f "$emu"/libc-bin_*.deb
    (cd "$emu" && apt-get download libc-bin:arm64 >/dev/null 2>&1) || return 1
    dpkg-deb -x "$emu"/libc-bin_*_arm64.deb "$emu/root" || return 1
  fi
  unshare --map-root-user --mount sh -c \
    'mount --bind "$1" /var/cache/ldconfig && exec "$2" "$3" -X -f /dev/null -C "$4"' \
    sh "$emu/aux" "$qemu" "$emu/root/sbin/ldconfig" "$emu/ld.so.cache" || return 1
  cat >"$emu/bin/ldconfig" <<WRAPPER
#!/bin/sh
# The arm64 loader cache for tests under qemu-user (scripts/cross-test-arm64.sh).
[ "\$*" = -p ] || { echo "ldconfig under emulation: only -p" >&2; exit 1; }
exec "$qemu" "$emu/root/sbin/ldconfig" -p -C "$emu/ld.so.cache"
WRAPPER
  chmod +x "$emu/bin/ldconfig"
}
# What qemu-user does not emulate, so tests of it cannot pass here.
exclude=(
  # qemu accepts any madvise advice (returns 0), so an EINVAL cannot be forwarded.
  'Interpose\.ForwardsFaithfullyAndCountsNothingWhenOff'
  # qemu wakes a joiner before the exited thread leaves /proc/self/task (and
  # runs threads of its own), so a thread count right after a join is off.
  'Runtime\.ThreadsStartInMakeWorkloadAndStopWithIt'
)
if emulated_cache; then
  export PATH="$emu/bin:$PATH"
else
  echo "cross-test-arm64: no arm64 loader cache under emulation (needs apt-get download and unshare): skipping the tests that discover allocators through it" >&2
  exclude+=('Discovery\.FindsThePackagedAllocatorsThroughTheRealCache'
            'UserAllocator\.ReplacesTheBuiltInOfTheSameName'
            'Select\.NamesUnknownAndUnavailableAllocators'
            'Verification\.FailsLoudlyWhenTheIntendedAllocatorIsNotActive')
fi
exclude_regex=$(IFS='|'; echo "${exclude[*]}")
echo "cross-test-arm64: running the tests under $qemu; not run (qemu-user limits): ${exclude[*]//\\/}"
status=0
for dir in "${dirs[@]}"; do
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" -E "$exclude_regex" "$@" || status=1
done
# The page size comes from the system, never assumed: the workloads again
# with the other page sizes of ARM64 kernels as the one the program is told
# (QEMU_PAGESIZE; the build machine's kernel still pages at its own size,
# so tests of resident memory would not mean anything here).
if [ -d "$build/tests/workloads" ]; then
  for size in "${page_sizes[@]}"; do
    echo "cross-test-arm64: workloads with a $((size / 1024)) KiB page size"
    QEMU_PAGESIZE=$size ctest --test-dir "$build/tests/workloads" --output-on-failure -j "$jobs" \
      -E "$exclude_regex" "$@" || status=1
  done
fi
echo "cross-test-arm64: done in $(( $(date +%s) - started )) s ($([ $status = 0 ] && echo passed || echo FAILED))"
exit $status
