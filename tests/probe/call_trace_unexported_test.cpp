// CallTracer in an executable whose wrappers are not exported: without
// tracepoints there is no source, and the detail says how to fix it.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include "probe/call_trace.h"

namespace shootout::probe {
namespace {

TEST(Unexported, CallTracerHasNoSourceWithTheFix) {
  TraceOptions options;
  options.allow_tracepoints = false;
  CallTracer tracer = CallTracer::open(options);
  EXPECT_FALSE(tracer.source().has_value()) << tracer.detail();
  EXPECT_NE(tracer.detail().find("tracepoints disabled by options"), std::string::npos);
  EXPECT_NE(tracer.detail().find("shootout_export_interposers"), std::string::npos);
  tracer.start();
  madvise(nullptr, 0, MADV_DONTNEED);
  EXPECT_TRUE(tracer.stop().empty());
  EXPECT_EQ(tracer.lost(), 0u);
}

}  // namespace
}  // namespace shootout::probe
