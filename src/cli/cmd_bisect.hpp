#pragma once
// `zkbench bisect`'s arguments, read by its one option table: the command itself, and `submit`, which
// sizes a bisection's Slurm time limit from the arguments it submits (cli/cmd_submit_slurm.cpp).

#include <optional>
#include <string>
#include <vector>

namespace zkbench::cli {

struct BisectArgs {
  std::string config = "zkbench.yaml";
  std::string good;
  std::string bad;
  std::vector<std::string> inputs;
  std::string metric;
  std::string threshold;
  std::optional<int> runs;
  bool detach = false;
};

/// `args` (the words after "bisect") as `zkbench bisect` reads them; nullopt where it would refuse them
/// (a missing GOOD or BAD, an unknown option): the job then fails with the command's own message.
std::optional<BisectArgs> parse_bisect_args(const std::vector<std::string>& args);

} // namespace zkbench::cli
