// `zkbench doctor [--zkvm zisk|sp1|risc0] [--guest DIR] [--log FILE] [--json]`: the pre-flight checks
// of seed 000 in one command: provers and versions, the GPU, the guest's patches, known failures in a
// log. Informational: exits 0 whatever it finds (bad options and unreadable files are errors).
#include <chrono>
#include <thread>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "gpu/describe.hpp"
#include "gpu/telemetry.hpp"
#include "gpu/thermal_gate.hpp"
#include "measure/contention.hpp"
#include "project/config.hpp"
#include "provers/cargo_patches.hpp"
#include "provers/failure_signatures.hpp"
#include "provers/version.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct DoctorOptions {
  std::string zkvm;
  std::string guest;
  std::string log;
  bool json = false;
};

std::string read_text(const fs::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Fatal(fmt::format("cannot read {} '{}'", what, path.string()));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string first_line(std::string_view text) {
  text = util::trim(text);
  return std::string(text.substr(0, text.find('\n')));
}

json check_prover(provers::ProverKind kind) {
  const provers::ProverPreset& preset = provers::prover_preset(kind);
  json j{{"zkvm", provers::to_string(kind)},
         {"name", preset.display_name},
         {"command", util::join(preset.version_command, " ")}};
  auto out = util::capture_output(preset.version_command, 30);
  std::string problem;
  if (!out) {
    problem = out.error().message;
  } else if (out->timed_out) {
    problem = "timed out after 30 s";
  } else if (out->exit_code != 0) {
    problem = first_line(out->output);
  } else if (auto version = provers::parse_version(kind, out->output)) {
    j["installed"] = true;
    j["version"] = version->version;
    j["commit"] = version->commit;
    j["display"] = version->display();
    return j;
  } else {
    problem = version.error().message;
  }
  j["installed"] = false;
  j["problem"] = problem;
  j["hint"] = preset.install_hint;
  return j;
}

json check_gpu() {
  auto source = gpu::open_best_source();
  if (source->kind() == gpu::SourceKind::none) {
    return json{{"present", false}, {"why", static_cast<gpu::NoneSource&>(*source).why()}};
  }
  json j{{"present", true}, {"source", gpu::to_string(source->kind())}};
  auto info = source->info();
  if (!info) {
    j["present"] = false;
    j["why"] = info.error().message;
    return j;
  }
  j["name"] = info->name;
  j["driver_version"] = info->driver_version;
  j["cuda_version"] = info->cuda_version;
  j["compute_capability"] = info->compute_capability;
  j["sm_architecture"] = gpu::sm_architecture(info->compute_capability);
  j["description"] = gpu::describe_info(*info);
  if (auto sample = source->sample(); sample && sample->temperature_c) {
    j["temperature_c"] = *sample->temperature_c;
  }
  if (const auto timeout = gpu::first_run_timeout_s(info->name, 1.15)) {
    j["first_run_timeout_s"] = *timeout;
  }
  return j;
}

// Cargo.lock sits next to Cargo.toml or, in a workspace, in an ancestor folder.
std::optional<fs::path> find_lock(const fs::path& guest) {
  std::error_code ec;
  for (fs::path dir = fs::absolute(guest, ec); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "Cargo.lock", ec)) {
      return dir / "Cargo.lock";
    }
    if (dir == dir.root_path()) {
      break;
    }
  }
  return std::nullopt;
}

json check_guest(const fs::path& guest) {
  const fs::path manifest = fs::is_directory(guest) ? guest / "Cargo.toml" : guest;
  auto patches = provers::parse_cargo_patches(read_text(manifest, "the guest manifest"));
  if (!patches) {
    throw Fatal(fmt::format("{}: {}", manifest.string(), patches.error().message));
  }
  json j{{"manifest", manifest.string()}, {"patches", json::array()}};
  provers::LockFile lock;
  if (const auto lock_path = find_lock(manifest.parent_path())) {
    auto parsed = provers::parse_cargo_lock(read_text(*lock_path, "the lock file"));
    if (!parsed) {
      throw Fatal(fmt::format("{}: {}", lock_path->string(), parsed.error().message));
    }
    lock = std::move(*parsed);
    j["lock"] = lock_path->string();
  } else {
    j["lock"] = nullptr;
    j["note"] = "no Cargo.lock found: build the guest once so Cargo resolves the patches";
  }
  for (const provers::PatchStatus& status : provers::patch_status(*patches, lock)) {
    json resolved = json::array();
    for (const provers::LockedPackage& package : status.resolved) {
      resolved.push_back({{"version", package.version}, {"source", package.source}});
    }
    j["patches"].push_back({{"name", status.patch.name},
                            {"package", status.patch.package},
                            {"registry", status.patch.registry},
                            {"spec", status.patch.describe()},
                            {"state", provers::to_string(status.state)},
                            {"resolved", resolved}});
  }
  return j;
}

json check_log(const fs::path& log, const std::string& sm) {
  json found = json::array();
  for (const provers::FailureMatch& match :
       provers::scan_failure_signatures(read_text(log, "the log"), sm)) {
    found.push_back({{"id", match.id},
                     {"title", match.title},
                     {"fix", match.fix},
                     {"line", match.line},
                     {"excerpt", match.excerpt}});
  }
  return json{{"file", log.string()}, {"failures", found}};
}

// The foreign load now, over one second, as the contention gate measures it (what a measuring command
// would wait for).
json check_load() {
  const measure::ContentionPolicy policy = project::default_contention(project::PolicyKind::generic);
  measure::MachineContentionGate machine(policy, gpu::compute_process_reader());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const measure::LoadWindow window = machine.gate().current_load();
  return json{{"foreign_cores", window.foreign_cores()},
              {"limit_cores", policy.max_foreign_cores},
              {"loaded", window.loaded()},
              {"processes", window.describe()},
              {"gpu_processes", window.gpu.size()}};
}

void print_text(const json& report) {
  fmt::print("Provers\n");
  for (const json& p : report["provers"]) {
    if (p["installed"].get<bool>()) {
      fmt::print("  ok    {} ({})\n", p["display"].get<std::string>(), p["command"].get<std::string>());
    } else {
      fmt::print("  --    {}: not available: {}\n        hint: {}\n", p["name"].get<std::string>(),
                 p["problem"].get<std::string>(), p["hint"].get<std::string>());
    }
  }
  const json& load = report["load"];
  fmt::print("Machine load\n");
  if (load["loaded"].get<bool>()) {
    fmt::print("  !!    {:.2f} cores used by other processes: {}\n        measuring commands wait until it stays "
               "below {:g} cores (zkbench.yaml contention:, --contention-wait)\n",
               load["foreign_cores"].get<double>(), load["processes"].get<std::string>(),
               load["limit_cores"].get<double>());
  } else {
    fmt::print("  ok    {:.2f} cores used by other processes (the contention gate needs < {:g})\n",
               load["foreign_cores"].get<double>(), load["limit_cores"].get<double>());
  }
  const json& g = report["gpu"];
  fmt::print("GPU\n");
  if (!g["present"].get<bool>()) {
    fmt::print("  --    {}\n        zkbench works without one (CPU provers, any command); GPU "
               "telemetry and the thermal gate are off.\n",
               g["why"].get<std::string>());
  } else {
    fmt::print("  ok    {} (via {})\n        {}\n", g["name"].get<std::string>(),
               g["source"].get<std::string>(), g["description"].get<std::string>());
    if (g.contains("temperature_c")) {
      const double t = g["temperature_c"].get<double>();
      fmt::print("  {}    temperature {:g} °C{}\n", t < 50 ? "ok" : "!!", t,
                 t < 50 ? "" : " (zkvm preset waits for < 50 °C before each run)");
    }
    if (g.contains("first_run_timeout_s")) {
      fmt::print("        first-run timeout without a baseline: {:g} s (seed 000 table × 1.15)\n",
                 g["first_run_timeout_s"].get<double>());
    }
  }
  if (report.contains("guest")) {
    const json& guest = report["guest"];
    fmt::print("Guest patches ({})\n", guest["manifest"].get<std::string>());
    if (guest.contains("note")) {
      fmt::print("  !!    {}\n", guest["note"].get<std::string>());
    }
    if (guest["patches"].empty()) {
      fmt::print("  --    no [patch.*] section: no accelerated crates are patched in\n");
    }
    for (const json& p : guest["patches"]) {
      const std::string state = p["state"].get<std::string>();
      std::string versions;
      for (const json& r : p["resolved"]) {
        versions += (versions.empty() ? "" : ", ") + r["version"].get<std::string>();
      }
      fmt::print("  {}    {} ({}): {}{}\n", state == "applied" ? "ok" : "!!",
                 p["package"].get<std::string>(), p["spec"].get<std::string>(), state,
                 versions.empty() ? "" : " -> " + versions);
    }
  }
  if (report.contains("log")) {
    const json& log = report["log"];
    fmt::print("Log ({})\n", log["file"].get<std::string>());
    if (log["failures"].empty()) {
      fmt::print("  ok    no known failure signature\n");
    }
    for (const json& f : log["failures"]) {
      fmt::print("  !!    line {}: {}\n        {}\n        fix: {}\n", f["line"].get<int>(),
                 f["title"].get<std::string>(), f["excerpt"].get<std::string>(),
                 f["fix"].get<std::string>());
    }
  }
}

int run_doctor(const DoctorOptions& options) {
  json report{{"provers", json::array()}};
  std::vector<provers::ProverKind> kinds = {provers::ProverKind::zisk, provers::ProverKind::sp1,
                                            provers::ProverKind::risc0};
  if (!options.zkvm.empty()) {
    const auto kind = provers::parse_prover_kind(options.zkvm);
    if (!kind) {
      throw Fatal(fmt::format("unknown --zkvm '{}'", options.zkvm), "use zisk, sp1 or risc0",
                  ExitCode::usage);
    }
    kinds = {*kind};
  }
  for (const provers::ProverKind kind : kinds) {
    report["provers"].push_back(check_prover(kind));
  }
  report["gpu"] = check_gpu();
  report["load"] = check_load();
  if (!options.guest.empty()) {
    report["guest"] = check_guest(options.guest);
  }
  if (!options.log.empty()) {
    report["log"] = check_log(options.log, report["gpu"].value("sm_architecture", std::string()));
  }
  if (options.json) {
    fmt::print("{}\n", util::json_text(report, 2));
  } else {
    print_text(report);
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_doctor(CLI::App& sub) {
  auto options = std::make_shared<DoctorOptions>();
  sub.add_option("--zkvm", options->zkvm, "Check only this prover: zisk, sp1 or risc0");
  sub.add_option("--guest", options->guest, "Guest crate folder (or its Cargo.toml): patch status");
  sub.add_option("--log", options->log, "A prover log to scan for known failures and their fixes");
  sub.add_flag("--json", options->json, "Print the findings as JSON");
  return [options] { return run_doctor(*options); };
}

} // namespace zkbench::cli
