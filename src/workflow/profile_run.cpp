#include "workflow/profile_run.hpp"

#include <algorithm>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "profile/parse.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "workflow/profiling.hpp"

namespace zkbench::workflow {

std::string profile_file_name(std::time_t when, const std::string& commit, const std::string& title,
                              const std::string& extension) {
  const std::string slug = util::slugify(title);
  return fmt::format("stats_{:%Y%m%d_%H%M%S}_{}{}{}{}", fmt::localtime(when), commit.substr(0, 7),
                     slug.empty() ? "" : "_", slug, extension);
}

std::string profile_extension(const std::string& format, const std::string& content) {
  if (format == "gecko") {
    return ".json";
  }
  if (format == "pprof") {
    const bool gzip = content.size() >= 2 && static_cast<unsigned char>(content[0]) == 0x1f &&
                      static_cast<unsigned char>(content[1]) == 0x8b;
    return gzip ? ".pb.gz" : ".pb";
  }
  return ".txt";
}

Result<ProfileRunOutcome> run_profile(project::Workspace& ws, const ProfileRunRequest& request) {
  const std::vector<project::InputSpec>& inputs = ws.project.inputs.inputs;
  const auto input = std::find_if(inputs.begin(), inputs.end(),
                                  [&](const project::InputSpec& spec) { return spec.name == request.input; });
  if (input == inputs.end()) {
    std::vector<std::string> names;
    for (const project::InputSpec& spec : inputs) {
      names.push_back(spec.name);
    }
    return make_error(fmt::format("no input '{}' in {} (inputs: {})", request.input,
                                  ws.project.inputs.file.string(), util::join(names, ", ")));
  }
  ZKBENCH_TRY_ASSIGN(profiler, profiler_for(ws.project.config, request.zkvm));
  // A repository without a commit yet still gets its profile, named as such.
  const std::string commit = ws.git.commit_of("HEAD").value_or("nocommit");
  const std::time_t started = std::time(nullptr);
  ZKBENCH_TRY_ASSIGN(prepared, prepare_input(ws.project.config, *input));
  ZKBENCH_TRY_ASSIGN(content, run_profiler(*ws.executor, *profiler, *prepared, ws.root()));

  ProfileRunOutcome outcome;
  store::ProfileRecord& record = outcome.record;
  record.created_at_us = static_cast<std::int64_t>(started) * 1'000'000;
  record.zkvm = to_string(request.zkvm);
  record.format = profile_format_of(*content);
  record.input = input->name;
  record.title = request.title;
  record.commit = commit;
  record.content = std::move(*content);
  record.size_bytes = record.content.size();
  record.file_name = profile_file_name(started, commit, request.title, profile_extension(record.format, record.content));
  outcome.file = ws.benchmarks_dir() / "profiles" / record.file_name;
  if (record.format.empty()) {
    outcome.warnings.push_back(fmt::format("the profiler's output is not a profile format zkbench knows: kept as {}",
                                           outcome.file.string()));
  } else if (auto parsed = profile::parse_profile_bytes(record.content, record.file_name, record.format); !parsed) {
    outcome.warnings.push_back("the profile does not parse: " + parsed.error().message);
  }
  ZKBENCH_TRY(util::write_file_atomically(outcome.file, record.content));
  ZKBENCH_TRY_ASSIGN(id, ws.store->add_profile(record));
  record.id = *id;
  return outcome;
}

} // namespace zkbench::workflow
