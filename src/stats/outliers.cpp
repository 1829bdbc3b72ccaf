// Tukey's fences on per-iteration times, as Criterion classifies outliers.
// For normal data the mild fences sit at +-2.70 sigma (0.70 % of values flagged)
// and the severe ones at +-4.72 sigma (2.3e-6): a flagged value is unusual.
#include "stats/bootstrap.h"
#include "stats/estimate.h"

namespace shootout::stats {

const char* to_string(OutlierClass c) {
  switch (c) {
    case OutlierClass::low_severe:
      return "low_severe";
    case OutlierClass::low_mild:
      return "low_mild";
    case OutlierClass::normal:
      return "normal";
    case OutlierClass::high_mild:
      return "high_mild";
    case OutlierClass::high_severe:
      return "high_severe";
  }
  return "unknown";
}

TukeyFences tukey_fences(const std::vector<double>& xs) {
  detail::require_finite("tukey_fences", xs);
  const double q1 = quantile(xs, 0.25);
  const double q3 = quantile(xs, 0.75);
  const double iqr = q3 - q1;
  return TukeyFences{q1 - 3.0 * iqr, q1 - 1.5 * iqr, q3 + 1.5 * iqr, q3 + 3.0 * iqr};
}

std::vector<OutlierClass> classify(const std::vector<double>& xs) {
  const TukeyFences f = tukey_fences(xs);  // validates
  std::vector<OutlierClass> out;
  out.reserve(xs.size());
  for (double x : xs) {
    if (x < f.low_severe)
      out.push_back(OutlierClass::low_severe);
    else if (x > f.high_severe)
      out.push_back(OutlierClass::high_severe);
    else if (x < f.low_mild)
      out.push_back(OutlierClass::low_mild);
    else if (x > f.high_mild)
      out.push_back(OutlierClass::high_mild);
    else
      out.push_back(OutlierClass::normal);
  }
  return out;
}

OutlierCounts count_outliers(const std::vector<double>& xs) {
  OutlierCounts counts;
  for (OutlierClass c : classify(xs)) {
    switch (c) {
      case OutlierClass::low_severe:
        ++counts.low_severe;
        break;
      case OutlierClass::low_mild:
        ++counts.low_mild;
        break;
      case OutlierClass::high_mild:
        ++counts.high_mild;
        break;
      case OutlierClass::high_severe:
        ++counts.high_severe;
        break;
      case OutlierClass::normal:
        break;
    }
  }
  return counts;
}

}  // namespace shootout::stats
