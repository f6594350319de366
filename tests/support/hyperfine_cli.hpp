#pragma once
// hyperfine's own test suite translated to `zkbench run` (tests/e2e/test_cli_hyperfine_*.cpp): running the
// built binary as hyperfine's tests run hyperfine, with stdout and stderr apart.

#include <string>

#include "support/cli.hpp"
#include "support/fixtures.hpp"

namespace zkbench::test {

struct HyperfineOutcome {
  int exit_code = -1;
  std::string out; // stdout
  std::string err; // stderr
  bool success() const { return exit_code == 0; }
};

/// `zkbench run --store DIR/runs.db ARGS` in `dir` (args: shell text), as hyperfine's assert_cmd runs it.
inline HyperfineOutcome hyperfine(const TempDir& dir, const std::string& args) {
  const std::string err_file = (dir / "stderr.txt").string();
  const auto result = run_shell("cd '" + dir.path().string() + "' && '" + ZKBENCH_BINARY + "' run --store '" +
                                (dir / "runs.db").string() + "' " + args + " 2>'" + err_file + "' </dev/null");
  return {result.exit_code, result.output, read_file(err_file)};
}

} // namespace zkbench::test
