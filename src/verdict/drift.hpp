#pragma once
// The drift sentinel: before an experiment is compared with a stored (not interleaved) baseline, the
// baseline command is run once or twice again; if those fresh runs fall outside the stored baseline's
// 99% prediction interval, the machine (or the baseline) has drifted and the stored baseline should be
// measured again before any verdict is trusted.

#include <span>
#include <string>

namespace zkbench::verdict {

struct DriftCheck {
  bool drifted = false;
  double lo = 0;           // the stored baseline's prediction interval
  double hi = 0;
  std::string message;     // what was found, and the advice when drifted
};

/// Checks each fresh value against the prediction interval (confidence 0.99 by default) of `stored`.
/// With fewer than 2 stored values or no fresh values there is nothing to check: drifted = false and the
/// message says so.
DriftCheck check_drift(std::span<const double> stored, std::span<const double> fresh, double confidence = 0.99);

} // namespace zkbench::verdict
