#include "cli/reporting.h"

#include <cstdio>

#include "cli/commands.h"

namespace shootout::cli {

int write_and_summarise(const std::string& run_dir, const std::vector<std::string>& formats) {
  (void)formats;
  std::printf("run directory: %s\n", run_dir.c_str());
  return kSuccess;
}

int report_command(const ReportArgs& args) { return write_and_summarise(args.dir, args.formats); }

int compare_command(const CompareArgs&) {
  std::fprintf(stderr, "alloc-shootout compare: not available yet\n");
  return kBadInput;
}

}  // namespace shootout::cli
