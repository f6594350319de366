#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

CommandMain setup_version(CLI::App& /*sub*/) {
  return [] {
    fmt::print("zkbench {}\n", ZKBENCH_VERSION);
    return static_cast<int>(ExitCode::success);
  };
}

} // namespace zkbench::cli
