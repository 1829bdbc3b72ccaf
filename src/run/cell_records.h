// What `run` and `exec` both say about a cell: its identity in the journal
// (one function builds it for both), and the names of its files in the run
// directory (logs/, traces/). exec describes its variants as run::Cells
// (workload "exec:<command>", payload "none", runtime "process").
#pragma once

#include <string>

#include "journal/records.h"
#include "run/plan.h"

namespace shootout::run {

// The identity fields of every `cell` and `cell_failed` record of `cell`.
journal::CellIdentity cell_identity(const Cell& cell);

// `text` as a file name: every character outside [A-Za-z0-9._-] replaced by
// '_' (a cell id "mpsc/8|zeroed|asio|std|preload" -> "mpsc_8_zeroed_asio_std_preload").
std::string file_stem(const std::string& text);

// logs/<stem>.log for a cell's first worker process, <stem>.process<N>.log
// for the others.
std::string log_name(const std::string& cell_id, int process = 0);

}  // namespace shootout::run
