#include "project/fleet_config.hpp"

#include <array>

#include <fmt/format.h>

#include "util/strings.hpp"
#include "project/yaml_reader.hpp"

namespace zkbench::project {

namespace {

constexpr std::array k_reserved_options = {"--job-name", "--output", "--error", "--chdir",
                                           "--dependency", "--parsable", "--export", "--wrap"};

/// NAME[:TYPE]:COUNT with a name and type of letters, digits, '_' and '-', and a positive count.
bool is_gres(const std::string& text) {
  const auto parts = util::split(text, ':');
  if (parts.size() < 2 || parts.size() > 3) {
    return false;
  }
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty() || parts[i].find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                                std::string::npos) {
      return false;
    }
  }
  const std::string& count = parts.back();
  return !count.empty() && count.find_first_not_of("0123456789") == std::string::npos && count != "0" &&
         count.size() <= 6;
}

} // namespace

const char* to_string(Scheduler scheduler) {
  return scheduler == Scheduler::slurm ? "slurm" : "queue";
}

std::optional<Scheduler> parse_scheduler(const std::string& text) {
  if (text == "queue") {
    return Scheduler::queue;
  }
  if (text == "slurm") {
    return Scheduler::slurm;
  }
  return std::nullopt;
}

bool is_reserved_sbatch_option(const std::string& option) {
  const std::string name = option.substr(0, option.find('='));
  for (const char* reserved : k_reserved_options) {
    if (name == reserved) {
      return true;
    }
  }
  return false;
}

FleetConfig read_fleet(const YamlReader& reader, const YAML::Node& root) {
  FleetConfig fleet;
  const YAML::Node node = root["fleet"];
  if (!node.IsDefined() || node.IsNull()) {
    return fleet;
  }
  reader.check_map(node, "fleet",
                   {"scheduler", "partition", "gres", "account", "sbatch_options", "min_time_limit_minutes",
                    "build_minutes"});
  if (node["scheduler"].IsDefined()) {
    fleet.scheduler =
        parse_scheduler(reader.choice(node["scheduler"], "fleet.scheduler", {"queue", "slurm"})).value_or(Scheduler::queue);
  }
  if (node["partition"].IsDefined()) {
    fleet.partition = reader.string(node["partition"], "fleet.partition");
  }
  if (node["gres"].IsDefined()) {
    fleet.gres = reader.string(node["gres"], "fleet.gres");
    if (!fleet.gres.empty() && !is_gres(fleet.gres)) {
      reader.fail(node["gres"], "fleet.gres",
                  "expected NAME:COUNT or NAME:TYPE:COUNT (gpu:1, gpu:h100:2), got '" + fleet.gres + "'");
    }
  }
  if (node["account"].IsDefined()) {
    fleet.account = reader.string(node["account"], "fleet.account");
  }
  if (node["sbatch_options"].IsDefined()) {
    fleet.sbatch_options = reader.string_list(node["sbatch_options"], "fleet.sbatch_options");
    for (std::size_t i = 0; i < fleet.sbatch_options.size(); ++i) {
      const std::string& option = fleet.sbatch_options[i];
      const std::string key_path = fmt::format("fleet.sbatch_options[{}]", i);
      if (!util::starts_with(option, "--") || option.size() < 3) {
        reader.fail(node["sbatch_options"][i], key_path,
                    "expected a long sbatch option (--qos=bench), got '" + option + "'");
      }
      if (is_reserved_sbatch_option(option)) {
        reader.fail(node["sbatch_options"][i], key_path,
                    "'" + option + "' is set by zkbench itself for every job; remove it");
      }
    }
  }
  if (node["min_time_limit_minutes"].IsDefined()) {
    fleet.min_time_limit_minutes =
        reader.positive_number(node["min_time_limit_minutes"], "fleet.min_time_limit_minutes");
  }
  if (node["build_minutes"].IsDefined()) {
    fleet.build_minutes = reader.non_negative_number(node["build_minutes"], "fleet.build_minutes");
  }
  return fleet;
}

} // namespace zkbench::project
