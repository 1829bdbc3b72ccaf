#include "cli/progress_display.h"

#include <unistd.h>

#include <cstdlib>

namespace shootout::cli {

bool use_color(FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");  // https://no-color.org: any non-empty value
  return isatty(fileno(stream)) && !(no_color && *no_color);
}

ProgressDisplay::ProgressDisplay(double seconds_per_cell, FILE* out)
    : out_(out),
      tty_(isatty(fileno(out)) != 0),
      color_(use_color(out)),
      seconds_per_cell_(seconds_per_cell) {}

void ProgressDisplay::redraw(const std::string& status) {
  if (tty_) {
    std::fprintf(out_, "\r\033[K%s", status.c_str());
  } else {
    std::fprintf(out_, "%s\n", status.c_str());
  }
  std::fflush(out_);
}

void ProgressDisplay::update(const run::ProgressUpdate& u) {
  using K = run::ProgressUpdate::Kind;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // Time left: measured pace once a group is done, the profile's estimate before.
  const double per_cell =
      cells_done_ > 0 ? elapsed / static_cast<double>(cells_done_) : seconds_per_cell_;
  // More cells done than planned would be a miscount: never a wrapped size_t.
  const size_t cells_left = cells_total_ > cells_done_ ? cells_total_ - cells_done_ : 0;
  const double left = per_cell * static_cast<double>(cells_left);
  char eta[32];
  std::snprintf(eta, sizeof eta, "~%.0f s left", left);
  switch (u.kind) {
    case K::run_planned:
      groups_total_ = static_cast<size_t>(u.groups);
      cells_total_ = static_cast<size_t>(u.cells);
      break;
    case K::group_started:
      if (!tty_)
        redraw("[" + std::to_string(groups_done_ + 1) + "/" + std::to_string(groups_total_) + "] " +
               u.group + " (" + eta + ")");
      break;
    case K::cell_warm:
      if (tty_)
        redraw("[" + std::to_string(cells_done_) + "/" + std::to_string(cells_total_) + " cells] " +
               u.group + ": warming " + u.cell + "  " + eta);
      break;
    case K::round_done:
      if (tty_)
        redraw("[" + std::to_string(cells_done_) + "/" + std::to_string(cells_total_) + " cells] " +
               u.group + ": round " + std::to_string(u.round) + "/" + std::to_string(u.rounds) +
               "  " + eta);
      break;
    case K::cell_failed: {
      const std::string red = color_ ? "\033[31m" : "", reset = color_ ? "\033[0m" : "";
      if (tty_) std::fprintf(out_, "\r\033[K");
      std::fprintf(out_, "%sFAILED%s %s: %s\n", red.c_str(), reset.c_str(), u.cell.c_str(),
                   u.message.c_str());
      break;
    }
    case K::group_done:
      ++groups_done_;
      cells_done_ += static_cast<size_t>(u.cells);
      break;
  }
}

void ProgressDisplay::finish() {
  if (tty_) std::fprintf(out_, "\r\033[K");
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(out_, "%zu cells in %zu groups measured in %.0f s\n", cells_done_, groups_done_,
               elapsed);
  std::fflush(out_);
}

}  // namespace shootout::cli
