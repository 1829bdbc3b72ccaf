#!/usr/bin/env bash
# The whole command on aarch64 (issue 15): cross-compiles everything — the
# command, its workers (preload and, where the arm64 -dev packages install
# beside the build machine's, link mode), the exec launcher and probe, every
# test — with Debian's cross toolchain and arm64 packages (multiarch), then
# under qemu-aarch64 user mode runs
#   1. the unit tests (SHOOTOUT_ARM64_LAYERS), the workloads again with the
#      16 and 64 KiB pages of other ARM64 kernels (SHOOTOUT_ARM64_PAGE_SIZES);
#   2. a small end-to-end plan — std, jemalloc and mimalloc from Debian's
#      arm64 packages, two workloads — at a 4 and a 64 KiB page size
#      (SHOOTOUT_ARM64_E2E_PAGE_SIZES), each its own run directory;
#   3. `alloc-shootout merge` of those runs with an x86-64 run of the same
#      plan (ARM64_X86_RUN=DIR, else run here by build/release), when the
#      command has `merge`; otherwise it says the step is skipped.
# Installs what is missing, from Debian's repositories, saying what (like
# install-deps.sh); a second run installs nothing. Needs root (or sudo) only
# when something is missing.
#   scripts/cross-test-arm64.sh [ctest arguments...]
# SHOOTOUT_ARM64_E2E=0 skips steps 2 and 3.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
build=build/arm64
jobs="${JOBS:-2}"
layers=(${SHOOTOUT_ARM64_LAYERS:-common stats journal alloc workloads probe report})
page_sizes=(${SHOOTOUT_ARM64_PAGE_SIZES-16384 65536})
e2e_page_sizes=(${SHOOTOUT_ARM64_E2E_PAGE_SIZES-4096 65536})
phase_started=$started
phase() {  # the time the previous phase took, then the next one's name
  local now
  now=$(date +%s)
  echo "cross-test-arm64: ($(( now - phase_started )) s) $*"
  phase_started=$now
}

# Build machine: the cross compiler, qemu and the build tools; the
# header-only libraries are architecture-independent (Architecture: all).
# qemu-user-static runs the command: the environment a static emulator is
# given reaches the emulated program only (a dynamically linked qemu would
# itself load the arm64 allocator named in LD_PRELOAD, src/common/emulation.h).
host_packages=(g++-aarch64-linux-gnu qemu-user qemu-user-static cmake ninja-build pkg-config
               libasio-dev libcli11-dev nlohmann-json3-dev)
# Target: the compiled libraries the build links (fmt, GoogleTest,
# google/benchmark for the bench tests' suite; they pull in the arm64 C
# library and loader qemu runs everything with), the allocators, and the
# -dev packages of the allocators that link-mode workers link (those that
# are Multi-Arch: same; libjemalloc-dev is not, and cannot be installed for
# two architectures at once: no jemalloc link-mode worker on arm64 here).
target_packages=(libfmt-dev:arm64 libgtest-dev:arm64 libbenchmark-dev:arm64
                 libjemalloc2:arm64 libmimalloc2.0:arm64 libtcmalloc-minimal4:arm64
                 libtbbmalloc2:arm64
                 libmimalloc-dev:arm64 libgoogle-perftools-dev:arm64 libtbb-dev:arm64)

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

phase "building everything for aarch64 in $build"
cmake -S . -B "$build" -G Ninja --toolchain "$PWD/cmake/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DSHOOTOUT_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$jobs"

# Allocator discovery reads the loader cache through `ldconfig -p`. Under
# qemu-user that is the build machine's x86-64 ldconfig, whose cache holds no
# arm64 library. Give the tests the target's own: Debian's arm64 ldconfig
# (libc-bin:arm64, unpacked here, not installed) run under qemu over its
# built-in arm64 library directories only (-f /dev/null), into a cache of its
# own (-C), without touching symlinks (-X), in a private mount namespace so
# its auxiliary cache goes to $emu/aux, not to this machine's /var/cache.
emu="$PWD/$build/emulation"
qemu=$(command -v qemu-aarch64)
qemu_static=$(command -v qemu-aarch64-static)
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
  # qemu runs posix_spawn's vfork as a fork: the parent goes on before the
  # child has set its process group or called execve, so a missing program
  # is the child's exit status 127, not posix_spawn's error number.
  'Spawn\.TheChildLeadsItsOwnProcessGroupWhenAsked'
  'Spawn\.AMissingProgramIsAnErrorNumberNotAPid'
)
have_cache=0
# The native steps at the end (the x86-64 run, merge) must see the build
# machine's own loader cache, not the arm64 one the emulated steps see.
native_path=$PATH
if emulated_cache; then
  export PATH="$emu/bin:$PATH"
  have_cache=1
else
  echo "cross-test-arm64: no arm64 loader cache under emulation (needs apt-get download and unshare): skipping the tests that discover allocators through it, and the end-to-end plan" >&2
  exclude+=('Discovery\.FindsThePackagedAllocatorsThroughTheRealCache'
            'UserAllocator\.ReplacesTheBuiltInOfTheSameName'
            'Select\.NamesUnknownAndUnavailableAllocators'
            'Verification\.FailsLoudlyWhenTheIntendedAllocatorIsNotActive')
fi
exclude_regex=$(IFS='|'; echo "${exclude[*]}")
# Tests that start programs of their own (workers, the launcher) start them
# through the emulator, as the command does below.
export ALLOC_SHOOTOUT_EMULATOR="$qemu_static"
phase "unit tests under $qemu; not run (qemu-user limits): ${exclude[*]//\\/}"
status=0
for layer in "${layers[@]}"; do
  [ -d "$build/tests/$layer" ] || { echo "cross-test-arm64: no tests/$layer: skipped" >&2; continue; }
  ctest --test-dir "$build/tests/$layer" --output-on-failure -j "$jobs" -E "$exclude_regex" "$@" ||
    status=1
done
# The page size comes from the system, never assumed: the workloads again
# with the other page sizes of ARM64 kernels as the one the program is told
# (QEMU_PAGESIZE; the build machine's kernel still pages at its own size,
# so tests of resident memory would not mean anything here).
if [ -d "$build/tests/workloads" ]; then
  for size in "${page_sizes[@]}"; do
    phase "workload tests with a $((size / 1024)) KiB page size"
    QEMU_PAGESIZE=$size ctest --test-dir "$build/tests/workloads" --output-on-failure -j "$jobs" \
      -E "$exclude_regex" "$@" || status=1
  done
fi

# The end-to-end plan: kept tiny (qemu runs the workloads 10-50x slower than
# the machine would). One process per cell and 6 samples: the fewest paired
# rounds with which a verdict is possible (README, Statistics) — though under
# emulation only the counters mean anything. The command itself and every
# process it starts of its own architecture (workers, launcher) run under
# qemu-aarch64-static, told through ALLOC_SHOOTOUT_EMULATOR
# (src/common/emulation.h): binfmt_misc, which would start them without it,
# is machine-wide and often absent in containers.
plan=(-a std,jemalloc,mimalloc -w 'block_on_alloc/100x4096,mpsc/32768' --payload zeroed
      --processes 1 --samples 6 --measurement-time 0.6 --warm-up-time 0.2
      --bootstrap-resamples 1000 --no-allocation-profile)
arm64_runs=()
if [ "${SHOOTOUT_ARM64_E2E:-1}" = 1 ] && [ "$have_cache" = 1 ]; then
  for size in "${e2e_page_sizes[@]}"; do
    out="$build/e2e/aarch64-page-$size"
    rm -rf "$out"
    phase "end-to-end plan under qemu-aarch64 with a $((size / 1024)) KiB page size: $out"
    e2e_status=0
    QEMU_PAGESIZE=$size "$qemu_static" "$build/bin/alloc-shootout" run "${plan[@]}" --out "$out" || e2e_status=$?
    # Every cell must be measured, but one known limit of qemu 7.2: at 64 KiB
    # pages jemalloc dies of SIGSEGV at its first allocation (README "On
    # aarch64"), so there its cells may fail — with exit status 1 and that
    # reason, and no other cell.
    unexpected=$(grep -h '"type":"cell_failed"' "$out/samples.jsonl" 2>/dev/null |
                 grep -v -e '"allocator":"jemalloc".*signal 11' || true)
    if [ -f "$out/report.md" ] && { [ "$e2e_status" = 0 ] ||
         { [ "$e2e_status" = 1 ] && [ "$size" = 65536 ] && [ -z "$unexpected" ]; }; }; then
      arm64_runs+=("$out")
      [ "$e2e_status" = 0 ] ||
        echo "cross-test-arm64: jemalloc's cells failed at 64 KiB pages (SIGSEGV under qemu, as known): see $out/report.md"
    else
      echo "cross-test-arm64: the end-to-end plan FAILED at $size B pages (exit $e2e_status): see $out/report.md" >&2
      status=1
    fi
  done

  native=build/release/bin/alloc-shootout
  if [ ${#arm64_runs[@]} -eq 0 ]; then
    echo "cross-test-arm64: merge skipped: no aarch64 run"
  elif ! { [ -x "$native" ] && PATH=$native_path ALLOC_SHOOTOUT_EMULATOR= "$native" merge --help >/dev/null 2>&1; }; then
    echo "cross-test-arm64: merge skipped: $native has no 'merge' command (build it: scripts/build.sh release)"
  else
    x86_run="${ARM64_X86_RUN:-}"
    if [ -z "$x86_run" ]; then
      x86_run="$build/e2e/x86-64"
      rm -rf "$x86_run"
      phase "the same plan natively (x86-64): $x86_run"
      PATH=$native_path ALLOC_SHOOTOUT_EMULATOR= "$native" run "${plan[@]}" --out "$x86_run" || [ $? -le 1 ] || status=1
    fi
    merged="$build/e2e/merged"
    rm -rf "$merged"
    phase "merging ${arm64_runs[*]} $x86_run into $merged"
    PATH=$native_path ALLOC_SHOOTOUT_EMULATOR= "$native" merge "${arm64_runs[@]}" "$x86_run" --out "$merged" || status=1
    echo "cross-test-arm64: the x86-64 vs aarch64 table: $merged/report.md"
  fi
fi

phase "done"
echo "cross-test-arm64: done in $(( $(date +%s) - started )) s ($([ $status = 0 ] && echo passed || echo FAILED))"
for run in "${arm64_runs[@]}"; do echo "cross-test-arm64: run directory $run"; done
exit $status
