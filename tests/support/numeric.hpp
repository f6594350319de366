#pragma once
// Test helper: comparing floating-point results with a relative tolerance.

#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace zkbench::test {

/// Expects |actual - expected| / |expected| <= tolerance (|expected| floored at 1e-300); `what` names it.
inline void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
  const double scale = std::max(std::fabs(expected), 1e-300);
  EXPECT_LE(std::fabs(actual - expected) / scale, tolerance)
      << what << ": actual " << actual << " expected " << expected;
}

} // namespace zkbench::test
