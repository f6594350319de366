#include "cli/measuring_lock.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "measure/interrupt.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace zkbench::cli {

std::string holder_name(const project::LockHolder& holder) {
  // The command line starts with the program's path; the subcommand is the first word after it that
  // is not an option ("zkbench --store x run" is rare, "zkbench baseline" the rule).
  std::vector<std::string> words;
  for (std::string& word : util::split(util::redact_credentials(holder.command), ' ')) {
    if (!word.empty()) {
      words.push_back(std::move(word));
    }
  }
  std::string name = words.empty() ? std::string("zkbench") : std::filesystem::path(words.front()).filename().string();
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i].front() != '-') {
      name += " " + words[i];
      break;
    }
  }
  return fmt::format("{} (pid {})", name, holder.pid);
}

std::optional<project::MachineLock> lock_for_measuring(const std::string& purpose, SkipLock skip) {
  if (skip == SkipLock::yes) {
    return std::nullopt;
  }
  project::LockOptions options;
  options.on_wait = [](const project::LockHolder& holder, std::chrono::milliseconds waited) {
    fmt::print(stderr, "waiting for the machine: {} holds it (measuring {}, since {}; waited {:.0f} s)\n",
               holder_name(holder), holder.purpose, holder.since, static_cast<double>(waited.count()) / 1000.0);
    std::fflush(stderr);
  };
  options.cancelled = [] { return measure::interrupt_requested(); };
  auto lock = project::MachineLock::acquire(util::redact_credentials(purpose), options);
  if (!lock) {
    if (measure::interrupt_requested()) {
      throw Fatal(lock.error().message, {}, ExitCode::interrupted);
    }
    throw Fatal(lock.error().message, "pass --no-lock to measure anyway (runs side by side disturb each other)");
  }
  return std::move(*lock);
}

} // namespace zkbench::cli
