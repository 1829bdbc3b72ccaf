// The terminal side of a run: a one-line live status on a TTY (cells done,
// current group, estimated time left), plain lines otherwise; colour only on
// a TTY and never when NO_COLOR is set. The totals come from the runner
// (ProgressUpdate::run_planned), which alone expands the plan.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "run/lockstep.h"

namespace shootout::cli {

class ProgressDisplay {
 public:
  // `seconds_per_cell`: the profile's estimate, until measured pace replaces it.
  explicit ProgressDisplay(double seconds_per_cell, FILE* out = stderr);
  void update(const run::ProgressUpdate& update);
  void finish();
  bool color() const { return color_; }

 private:
  void redraw(const std::string& status);
  FILE* out_;
  bool tty_;
  bool color_;
  size_t groups_total_ = 0, groups_done_ = 0;
  size_t cells_total_ = 0, cells_done_ = 0;
  double seconds_per_cell_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

bool use_color(FILE* stream);

}  // namespace shootout::cli
