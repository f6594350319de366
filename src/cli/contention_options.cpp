#include "cli/contention_options.hpp"

#include <cmath>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "gpu/telemetry.hpp"
#include "project/config.hpp"

namespace zkbench::cli {

void add_contention_options(CLI::App& sub, ContentionOptions& options) {
  sub.add_option("--contention-wait", options.wait_s,
                 "Wait at most SECS before each round for other processes to leave the CPU and GPU (default "
                 "120; 0: do not wait, only mark the runs they disturb)");
  sub.add_flag("--no-contention-gate", options.off,
               "Measure without checking for other processes' load (runs are neither delayed nor marked)");
}

std::unique_ptr<measure::MachineContentionGate> make_contention_gate(const ContentionOptions& options, std::FILE* out) {
  measure::ContentionPolicy policy = project::default_contention(project::PolicyKind::generic);
  if (options.wait_s) {
    if (!std::isfinite(*options.wait_s) || *options.wait_s < 0) {
      throw Fatal(fmt::format("--contention-wait must be a number of seconds >= 0 (got {})", *options.wait_s), {},
                  ExitCode::usage);
    }
    policy.max_wait_s = *options.wait_s;
  }
  policy.enabled = !options.off && !measure::contention_gate_off_by_env();
  auto gate = std::make_unique<measure::MachineContentionGate>(
      policy, policy.enabled ? gpu::compute_process_reader() : std::function<std::vector<measure::GpuProcess>()>{});
  gate->gate().set_say([out](const std::string& line) {
    fmt::print(out, "  {}\n", line);
    std::fflush(out);
  });
  return gate;
}

} // namespace zkbench::cli
