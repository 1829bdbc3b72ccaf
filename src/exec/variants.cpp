#include "exec/variants.h"

#include <map>
#include <stdexcept>

#include "alloc/conf.h"

namespace shootout::exec {

namespace {

bool is_foreign_setting(const std::string& key) {
  for (const auto& removed : alloc::foreign_allocator_settings()) {
    const bool prefix = !removed.empty() && removed.back() == '*';
    if (prefix ? key.rfind(removed.substr(0, removed.size() - 1), 0) == 0 : removed == key)
      return true;
  }
  return false;
}

std::string key_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// `own` without allocator settings, each variable of `overrides` replacing
// ours of the same name.
std::vector<std::string> with_overrides(const std::vector<std::string>& own,
                                        const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (const auto& entry : own)
    if (!is_foreign_setting(key_of(entry)) && !overrides.count(key_of(entry))) env.push_back(entry);
  for (const auto& [key, value] : overrides) env.push_back(key + "=" + value);
  return env;
}

void add_variables(const std::vector<std::string>& entries,
                   std::map<std::string, std::string>& overrides) {
  for (const auto& entry : entries) overrides[key_of(entry)] = entry.substr(entry.find('=') + 1);
}

}  // namespace

std::vector<Variant> expand_variants(const std::vector<alloc::Allocator>& available,
                                     const std::vector<std::string>& names,
                                     const std::vector<std::string>& tunings,
                                     const std::string& baseline) {
  std::vector<alloc::Allocator> allocators;
  if (names.empty()) {
    for (const auto& a : available)
      if (a.available) allocators.push_back(a);
  } else {
    allocators = alloc::select(available, names);
  }
  bool has_baseline = false;
  for (const auto& a : allocators) has_baseline = has_baseline || a.name == baseline;
  if (!has_baseline)
    throw std::invalid_argument("the baseline allocator '" + baseline +
                                "' is not among the allocators of this run (add it with -a, or "
                                "choose another with --baseline)");
  std::vector<Variant> variants;
  for (const auto& a : allocators) variants.push_back({a, "", a.name});
  for (const auto& text : tunings) {
    const alloc::Tuning tuning = alloc::parse_tuning(text);
    const alloc::Allocator* target = nullptr;
    for (const auto& a : allocators)
      if (a.name == tuning.allocator) target = &a;
    if (!target)
      throw std::invalid_argument("--tune " + text + ": allocator '" + tuning.allocator +
                                  "' is not among the allocators of this run");
    alloc::conf_environment(*target, tuning.pairs);  // refuses an allocator with no dialect
    variants.push_back({*target, tuning.conf_text(), tuning.label()});
  }
  return variants;
}

std::vector<std::string> clean_environment(const std::vector<std::string>& own_environment,
                                           const std::vector<std::string>& extra) {
  std::map<std::string, std::string> overrides;
  add_variables(extra, overrides);
  return with_overrides(own_environment, overrides);
}

std::vector<std::string> variant_environment(const std::vector<std::string>& own_environment,
                                             const Variant& variant,
                                             const std::vector<std::string>& preload_first,
                                             const std::vector<std::string>& extra) {
  std::map<std::string, std::string> overrides;
  std::string preload;
  for (const auto& object : preload_first) preload += (preload.empty() ? "" : ":") + object;
  if (!variant.allocator.is_std()) preload += (preload.empty() ? "" : ":") + variant.allocator.path;
  if (!preload.empty()) overrides["LD_PRELOAD"] = preload;
  if (!variant.tuning.empty())
    for (const auto& [key, value] :
         alloc::conf_environment(variant.allocator, alloc::parse_conf(variant.tuning)))
      overrides[key] = value;
  add_variables(extra, overrides);
  return with_overrides(own_environment, overrides);
}

}  // namespace shootout::exec
