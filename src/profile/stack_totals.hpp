#pragma once
// Per-function flat (exclusive) and cumulative (inclusive) totals from sampled call stacks.
//
// Shared by the sampling formats (pprof, Gecko): a sample is a stack of function ids, leaf first, with a
// weight. Exclusive goes to the leaf; inclusive goes to every function on the stack, once per sample even
// when the function appears several times (recursion), as `go tool pprof -top` and the Firefox Profiler
// count "cum" / "running time".

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "profile/profile.hpp"

namespace zkbench::profile {

/// One function's figures in the unit of the samples (cycles, nanoseconds, sample counts).
struct FunctionTotals {
  std::string name;
  std::int64_t exclusive = 0;
  std::int64_t inclusive = 0;
};

/// a + b with two's-complement wrap-around: hostile inputs may carry huge weights, and signed overflow
/// would be undefined behaviour.
std::int64_t wrapping_add(std::int64_t a, std::int64_t b);

class StackTotals {
public:
  /// Returns the id of function `name`, creating it on first use. Functions are identified by name.
  std::uint32_t intern(std::string_view name);

  /// Adds one sample (or `weight` identical samples). `stack_leaf_first` holds ids from intern(); an empty
  /// stack only adds to the total.
  void add_sample(std::span<const std::uint32_t> stack_leaf_first, std::int64_t weight);

  /// Sum of all sample weights.
  std::int64_t total() const { return m_total; }

  /// Every interned function with its figures, in order of first interning.
  std::vector<FunctionTotals> functions() const;

private:
  std::unordered_map<std::string, std::uint32_t> m_ids;
  std::vector<FunctionTotals> m_functions;
  std::vector<std::uint64_t> m_seen; // sample number that last counted this function's inclusive figure
  std::uint64_t m_sample = 0;
  std::int64_t m_total = 0;
};

/// Appends `functions` to `profile` (exclusive and inclusive as `metric`, in the given order) and sets
/// the profile's total for `metric` to `total`. Negative figures (pprof allows them, e.g. in
/// diff profiles) become 0 with a note, since the model's figures are unsigned.
void add_to_profile(std::int64_t total, const std::vector<FunctionTotals>& functions, Metric metric,
                    Profile& profile);

} // namespace zkbench::profile
