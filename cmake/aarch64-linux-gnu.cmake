# Cross build for 64-bit ARM with Debian's cross toolchain
# (g++-aarch64-linux-gnu) and arm64 -dev packages installed through
# multiarch (dpkg --add-architecture arm64; libfmt-dev:arm64, ...).
# scripts/cross-test-arm64.sh installs both and uses this file:
#   cmake -S . -B build/arm64 --toolchain cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(SHOOTOUT_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${SHOOTOUT_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${SHOOTOUT_CROSS_TRIPLE}-g++)

# aarch64 has fused multiply-add in its base instruction set, and GCC
# contracts a*b+c into it by default for C++ (-ffp-contract=fast): the
# statistics then differ from an x86-64 build's in the last bits, and the
# same samples no longer give the same report bytes (tests/report's golden
# CSV). Evaluate expressions as written, as x86-64 without FMA does.
set(CMAKE_C_FLAGS_INIT "-ffp-contract=off")
set(CMAKE_CXX_FLAGS_INIT "-ffp-contract=off")

# Debian multiarch: arm64 libraries and their CMake package files are in
# /usr/lib/aarch64-linux-gnu, headers-only packages (Asio, CLI11,
# nlohmann/json) in /usr/include and /usr/share. The compiler cannot tell
# CMake this (its implicit directories are /usr/aarch64-linux-gnu/...).
set(CMAKE_LIBRARY_ARCHITECTURE ${SHOOTOUT_CROSS_TRIPLE})

# pkg-config (allocator -dev packages) must see only arm64 and
# architecture-independent .pc files, never the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${SHOOTOUT_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Target programs (tests, gtest_discover_tests' listing) run under qemu user
# mode, with the system's arm64 loader and libraries (multiarch libc6:arm64,
# which the arm64 -dev packages pull in): nothing about the target is assumed
# here. Without them, set QEMU_LD_PREFIX to an arm64 root. (qemu's
# -L /usr/aarch64-linux-gnu, the cross toolchain's own libraries, hung the
# first pthread_create of the workload tests under qemu 7.2.)
find_program(SHOOTOUT_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(SHOOTOUT_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SHOOTOUT_QEMU_AARCH64})
endif()
