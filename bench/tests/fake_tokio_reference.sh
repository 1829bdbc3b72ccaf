#!/usr/bin/env bash
# A stand-in for tokio-reference --serve in bench-runtime-compare's tests:
# it speaks the same protocol (hello, then one sample per run command) for
# mpsc/64 without running anything, and reports what FAKE_ELEMENTS,
# FAKE_CHECKSUM and FAKE_MALLOC_OBJECT say — the right values by default
# (1000 messages, checksum = sum of (i % 251 + 1) over i < 1000 = 125506,
# the C library serving malloc), so each test changes one of them.
set -euo pipefail
elements=${FAKE_ELEMENTS:-1000}
checksum=${FAKE_CHECKSUM:-125506}
malloc_object=${FAKE_MALLOC_OBJECT:-$(ldconfig -p | awk '/libc\.so\.6 \(libc6,x86-64\)/ && !found {found = $NF} END {print found}')}
printf '{"type":"hello","case":"mpsc/64","payload":"zeroed","elements":%s,"payload_bytes":64,"threads":4,"malloc_object":"%s"}\n' \
  "$elements" "$malloc_object" >&4
while IFS= read -r line <&3; do
  case "$line" in
    *'"quit"'*) exit 0 ;;
    *'"run"'*)
      iters=$(sed 's/.*"iters":\([0-9]*\).*/\1/' <<<"$line")
      printf '{"type":"sample","case":"mpsc/64","payload":"zeroed","elements":%s,"iters":%s,"ns":1000000,"checksum":%s}\n' \
        "$elements" "$iters" "$checksum" >&4
      ;;
  esac
done
