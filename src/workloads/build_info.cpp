// Which Asio build this copy of the catalog is: the name CMake gave it and
// the Asio configuration the compile definitions actually produced.
#include <asio/detail/thread_info_base.hpp>
#include <asio/version.hpp>

#include <string>

#include "workloads/workload.h"

#ifndef SHOOTOUT_RUNTIME_BUILD
#error "SHOOTOUT_RUNTIME_BUILD must name the Asio build (set by src/workloads/CMakeLists.txt)"
#endif

namespace shootout::workloads {

const char* runtime_build() { return SHOOTOUT_RUNTIME_BUILD; }

std::string runtime_details() {
  std::string out = "asio " + std::to_string(ASIO_VERSION / 100000) + "." +
                    std::to_string(ASIO_VERSION / 100 % 1000) + "." +
                    std::to_string(ASIO_VERSION % 100);
  out += "; recycling allocator cache " + std::to_string(ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE) +
         " per purpose";
#if defined(ASIO_DISABLE_AWAITABLE_FRAME_RECYCLING)
  out += "; awaitable frame recycling off";
#else
  out += "; awaitable frame recycling on";
#endif
  return out;
}

}  // namespace shootout::workloads
