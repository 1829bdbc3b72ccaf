#!/usr/bin/env bash
# The real Tokio reference against the real Asio workers: builds it (Debian's
# cargo, offline; exit 77 = skipped when that toolchain is absent), then
# bench-runtime-compare --check-only on one small case of every family, in
# every payload mode, under std, jemalloc, mimalloc and tcmalloc: each
# process must name the allocator asked for as the one serving malloc, and
# both runtimes must report the same elements, payload bytes and checksum.
#   tokio_reference_same_work.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=$1
out=$2
here=$(dirname "$0")
reference=$("$here/../tokio-reference/build.sh" "$build/tokio-reference") || exit $?
rm -rf "$out"
"$build/bin/bench-runtime-compare" --tokio "$reference" --check-only --out "$out" \
  --allocators std,jemalloc,mimalloc,tcmalloc --payloads zeroed,filled,uninit,floor \
  --cases 'spawn_many/100,mpsc/{64,32768},block_on_alloc/10x4096,alloc_stress/50,spawn_many_local/100,spawn_many_remote_idle/100,mpsc_contention/2x100,mpsc_large/2x50_32KB,block_on_alloc_st/10x32KB,spawn_st/100'
