// `zkbench env [--output FILE]`: records the machine, GPU, toolchain, commit and guest patches in
// benchmarks/environment.yaml (seed 002 §1.3), and says what changed since the file last written there.
#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "project/config.hpp"
#include "project/environment.hpp"
#include "project/probe.hpp"
#include "util/files.hpp"

namespace zkbench::cli {

CommandMain setup_env(CLI::App& sub) {
  auto output = std::make_shared<std::string>("benchmarks/environment.yaml");
  sub.add_option("-o,--output", *output, "Where to write the environment")->capture_default_str();
  return [output] {
    project::CollectOptions options;
    // The guest manifest comes from zkbench.yaml when there is one here.
    if (std::filesystem::exists("zkbench.yaml")) {
      const auto config = project::load_config("zkbench.yaml", "zkbench.yaml");
      if (!config) {
        throw Fatal(config.error().message);
      }
      options.repo_dir = config->root;
      options.guest_manifest = config->guest_manifest;
    }
    const project::Environment env = project::collect_environment(options);
    const std::filesystem::path path(*output);
    std::string changes;
    if (const auto previous_text = util::read_text_file(path)) {
      if (const auto previous = project::parse_environment_yaml(*previous_text, path.string())) {
        changes = project::describe_differences(project::diff_environments(*previous, env));
      }
    }
    value_or_fatal(util::write_file_atomically(path, project::to_yaml(env)));
    fmt::print("machine: {} ({}, {} cores, {}), {}\n", env.machine.hostname, env.machine.cpu, env.machine.cores,
               util::format_bytes(static_cast<double>(env.machine.memory_bytes)), env.machine.os);
    if (env.gpu) {
      fmt::print("gpu: {} (driver {}, CUDA {})\n", env.gpu->name, env.gpu->driver_version,
                 env.gpu->cuda_version.empty() ? "?" : env.gpu->cuda_version);
    } else {
      fmt::print("gpu: none found\n");
    }
    std::vector<std::string> tools;
    for (const auto& [tool, version] : env.toolchain) {
      tools.push_back(tool + " " + version);
    }
    fmt::print("toolchain: {}\n", tools.empty() ? std::string("none found") : util::join(tools, ", "));
    fmt::print("commit: {}{}\n", env.commit.empty() ? "(not a git repository)" : env.commit,
               env.dirty ? " (dirty)" : "");
    if (!changes.empty()) {
      fmt::print(stderr, "warning: since the last {}: {}\n", path.string(), changes);
    }
    fmt::print("wrote {}\n", path.string());
    return static_cast<int>(ExitCode::success);
  };
}

} // namespace zkbench::cli
