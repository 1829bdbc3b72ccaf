// The in-worker read-back of a tuning: after start-up and before timing,
// each key the runner set is read back from the allocator itself and
// compared with what was asked (`exec --tune`: in a worker before any run).
// An unknown key or a value the allocator did not take fails the cell; a key
// with no read-back API is marked "unverified" — never silently trusted.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alloc/conf.h"
#include "alloc/registry.h"

namespace shootout::alloc {

struct KeyCheck {
  enum class Status { verified, mismatch, unknown_key, unverified };
  std::string key, asked, effective;
  Status status = Status::unverified;
  std::string how;  // e.g. mallctl("opt.tcache_max"), or why it cannot be read back
  bool operator==(const KeyCheck&) const = default;
};
const char* to_string(KeyCheck::Status status);

struct TuningCheck {
  bool ok = true;       // false: some key unknown or not taken
  std::string message;  // names the first bad key
  std::vector<KeyCheck> keys;
  // Where the keys were read back when not in the cell's own worker (exec:
  // a worker started before any run of the command); "" otherwise.
  std::string read_back;
  bool operator==(const TuningCheck&) const = default;
};

// `object` is the injected object ("" for the C library).
TuningCheck verify_tuning(ConfDialect dialect, const std::vector<ConfPair>& pairs,
                          const std::string& object);

// The record's "tuning_check" (docs/results-schema.md):
// {"ok","message","keys":[{"key","asked","effective","status","how"}]} and
// "read_back" when set. from_json reads what older runs wrote too: a missing
// key is empty, a missing or unknown status is "unverified" (never taken for
// verified); it throws std::invalid_argument when the value is not an object.
void to_json(nlohmann::json& j, const TuningCheck& check);
void from_json(const nlohmann::json& j, TuningCheck& check);

// Every key of `pairs` unverified for one reason (the read-back could not run).
TuningCheck unverified_tuning(const std::vector<ConfPair>& pairs, const std::string& why);

// Value comparison used by every dialect: "4096" == "0x1000" == "4k"? No —
// numbers compare numerically (decimal or 0x hex), booleans accept
// true/false/1/0, anything else compares as text.
bool same_setting(const std::string& asked, const std::string& effective);

}  // namespace shootout::alloc
