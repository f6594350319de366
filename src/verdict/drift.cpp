#include "verdict/drift.hpp"

#include <fmt/format.h>

#include "stats/inference.hpp"

namespace zkbench::verdict {

DriftCheck check_drift(std::span<const double> stored, std::span<const double> fresh, double confidence) {
  DriftCheck check;
  const auto interval = stats::prediction_interval(stored, confidence);
  if (!interval || fresh.empty()) {
    check.message = "drift check skipped: needs at least 2 stored baseline runs and 1 fresh run";
    return check;
  }
  check.lo = interval->lo;
  check.hi = interval->hi;
  for (const double x : fresh) {
    if (x < check.lo || x > check.hi) {
      check.drifted = true;
      check.message = fmt::format(
          "baseline drift: a fresh baseline run gave {:.6g}, outside the stored baseline's {:g}% prediction "
          "interval [{:.6g}, {:.6g}]; re-run the baseline before comparing",
          x, confidence * 100, check.lo, check.hi);
      return check;
    }
  }
  check.message = fmt::format("no drift: {} fresh baseline run(s) inside the {:g}% prediction interval [{:.6g}, {:.6g}]",
                              fresh.size(), confidence * 100, check.lo, check.hi);
  return check;
}

} // namespace zkbench::verdict
