// The report layer's public interface (docs/design.md §6), used by the CLI:
//
//   analyse(dir)                 the report model (report/model.h), computed once
//   write_reports(model, formats) report.md, bench_results.csv, results.json,
//                                report.html, each only formatting the model
//   summary_table(model, color)  the compact table printed after run, exec, report
//   compare(model_a, model_b)    two runs side by side, as markdown
//
// Everything is computed from the run directory's manifest.json and
// samples.jsonl alone, with a fixed bootstrap seed: the same files give
// byte-identical reports.
// Errors are ReportError (missing directory or manifest, malformed
// samples.jsonl with its line number, unwritable output) or, for compare,
// MismatchedRunsError; the message is meant for the user as is.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "report/model.h"

namespace shootout::report {

enum class Format { markdown, csv, json, html };

// The file a format is written to in the run directory: report.md,
// bench_results.csv, results.json, report.html.
const char* file_name(Format format);
// Every format, in that order.
const std::vector<Format>& all_formats();
// "md" (or "markdown"), "csv", "json", "html"; throws ReportError naming the
// valid names otherwise.
Format parse_format(std::string_view name);

// Writes each chosen format (duplicates once) into the model's run
// directory, atomically (temporary file in run_dir, then rename). Returns the
// paths written, in the order of `formats`. Charts in report.html need
// gnuplot; without it the page says so instead.
std::vector<std::string> write_reports(const ReportModel& model,
                                       const std::vector<Format>& formats);
// The writing behind write_reports (and the cross-machine report's): each
// format once, in order, render(format) written atomically to
// dir/file_name(format). Returns the paths.
std::vector<std::string> write_formats(const std::string& dir, const std::vector<Format>& formats,
                                       const std::function<std::string(Format)>& render);

// compare() refuses runs whose workload specs differ (a workload present in
// one run only, or the same name with other parameters): comparing them
// would pair different experiments.
class MismatchedRunsError : public ReportError {
 public:
  using ReportError::ReportError;
};

// Markdown: manifest differences first, then per cell matched by workload,
// payload, runtime, injection and variant: time in A and in B and the ratio
// of ratios (B's ratio to the baseline ÷ A's) with a 95 % bootstrap CI;
// then the cells present in one run only.
std::string compare(const ReportModel& a, const ReportModel& b);
// The same, analysing both directories first.
std::string compare(const std::string& dir_a, const std::string& dir_b);

// Plain text for the terminal: per case the winner, its speed-up over the
// baseline with CI, and the key driver; the allocation-share sentences and
// unverified tunings under it. A run of one case (every `exec` run) also
// gets one row per allocator variant (not the --probes variants): runs,
// median with CI, ratio to the baseline with CI and verdict, page faults,
// MADV_DONTNEED and peak RSS per iteration; then the key driver of each
// variant that differs from the baseline, and the failed variants with why.
// `color` adds ANSI colours (the caller decides: TTY, NO_COLOR).
std::string summary_table(const ReportModel& model, bool color);

}  // namespace shootout::report
