// `zkbench init [--preset generic|zisk|sp1|risc0] [--force]`: writes zkbench.yaml and benchmarks/inputs.yaml.
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "util/error.hpp"
#include "project/init.hpp"

namespace zkbench::cli {

CommandMain setup_init(CLI::App& sub) {
  struct Options {
    std::string preset = "generic";
    bool force = false;
  };
  auto options = std::make_shared<Options>();
  sub.add_option("--preset", options->preset, "Prover commands to start from")
      ->check(CLI::IsMember({"generic", "zisk", "sp1", "risc0"}))
      ->capture_default_str();
  sub.add_flag("--force", options->force, "Overwrite existing zkbench.yaml and benchmarks/inputs.yaml");
  return [options] {
    const auto preset = project::parse_preset(options->preset);
    const auto written = project::init_project(std::filesystem::current_path(), *preset,
                                                options->force ? project::Overwrite::yes : project::Overwrite::no);
    if (!written) {
      throw Fatal(written.error().message);
    }
    for (const auto& path : *written) {
      fmt::print("wrote {}\n", std::filesystem::relative(path).string());
    }
    fmt::print("next: edit the commands in zkbench.yaml, put your inputs in benchmarks/inputs/, then run "
               "`zkbench env`\n");
    return static_cast<int>(ExitCode::success);
  };
}

} // namespace zkbench::cli
