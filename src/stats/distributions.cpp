// The reference distributions behind the ratio intervals and tests: Student's
// t (interval), Fisher's F (the pooling pretest) and the normal (large-sample
// rank tests), all through the regularized incomplete beta function.
#include <cmath>

#include "stats/bootstrap.h"
#include "stats/estimate.h"

namespace shootout::stats {

namespace {

constexpr double kPi = 3.14159265358979323846;

// I_x(a, b) by its continued fraction, evaluated with Lentz's method; the
// fraction converges fast for x < (a + 1) / (a + b + 2), and the symmetry
// I_x(a, b) = 1 - I_(1-x)(b, a) covers the other side. 1e-15 relative
// change per step is below what any caller prints (p to 3 digits).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incomplete_beta(b, a, 1 - x);
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  constexpr double kTiny = 1e-300;
  auto guard = [](double v) { return std::abs(v) < kTiny ? kTiny : v; };
  double c = 1;
  double d = 1 / guard(1 - (a + b) * x / (a + 1));
  double fraction = d;
  for (int m = 1; m <= 500; ++m) {
    const double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    fraction *= d * c;
    const double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const double step = d * c;
    fraction *= step;
    if (std::abs(step - 1) < 1e-15) break;
  }
  return std::exp(log_front) * fraction / a;
}

double student_t_density(double t, double df) {
  return std::exp(std::lgamma((df + 1) / 2) - std::lgamma(df / 2) - 0.5 * std::log(df * kPi) -
                  (df + 1) / 2 * std::log1p(t * t / df));
}

}  // namespace

double student_t_cdf(double t, double df) {
  if (!(df > 0)) detail::fail("student_t_cdf", "degrees of freedom must be > 0");
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  const double tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t > 0 ? 1 - tail : tail;
}

double student_t_quantile(double q, double df) {
  if (!(q > 0 && q < 1)) detail::fail("student_t_quantile", "q must be in (0, 1)");
  if (!(df > 0)) detail::fail("student_t_quantile", "degrees of freedom must be > 0");
  if (q < 0.5) return -student_t_quantile(1 - q, df);
  if (q == 0.5) return 0;
  // Bracket [0, hi], then Newton steps kept inside the bracket (bisection
  // when a step would leave it): the cdf is monotone, so this converges
  // for every df, including df = 1 where the tails are Cauchy.
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, df) < q) {
    lo = hi;
    hi *= 2;
  }
  double t = (lo + hi) / 2;
  for (int i = 0; i < 200; ++i) {
    const double f = student_t_cdf(t, df) - q;
    if (f == 0) break;
    (f < 0 ? lo : hi) = t;
    double next = t - f / student_t_density(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (std::abs(next - t) <= 1e-13 * std::max(1.0, std::abs(t))) return next;
    t = next;
  }
  return t;
}

double f_survival(double f, double df1, double df2) {
  if (!(df1 > 0 && df2 > 0)) detail::fail("f_survival", "degrees of freedom must be > 0");
  if (!(f > 0)) return 1;
  if (std::isinf(f)) return 0;
  return incomplete_beta(df2 / 2, df1 / 2, df2 / (df2 + df1 * f));
}

double normal_survival(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace shootout::stats
