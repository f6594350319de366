#include "measure/proc_load.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/strings.hpp"

namespace zkbench::measure {

namespace {

// A small /proc file read with one read(2): the scan reads hundreds of them before and after runs,
// so it avoids streams. nullopt when the file is gone (the process ended).
std::optional<std::string> read_proc_file(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  std::array<char, 4096> buffer{};
  const ssize_t n = ::read(fd, buffer.data(), buffer.size());
  ::close(fd);
  if (n <= 0) {
    return std::nullopt;
  }
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

} // namespace

std::optional<ProcSample> parse_proc_stat(std::string_view text) {
  // "pid (comm) state ppid ..." — comm may contain ')' so the last ')' ends it.
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcSample sample;
  const auto pid = util::parse_int(text.substr(0, open));
  if (!pid) {
    return std::nullopt;
  }
  sample.pid = *pid;
  sample.name = std::string(text.substr(open + 1, close - open - 1));
  std::vector<std::string> rest;
  for (const std::string& field : util::split(util::trim(text.substr(close + 1)), ' ')) {
    if (!field.empty()) {
      rest.push_back(field);
    }
  }
  // rest[0] = state (field 3), rest[1] = ppid (4), rest[11] = utime (14), rest[12] = stime (15).
  if (rest.size() < 13) {
    return std::nullopt;
  }
  const auto ppid = util::parse_int(rest[1]);
  const auto utime = util::parse_count(rest[11]);
  const auto stime = util::parse_count(rest[12]);
  if (!ppid || !utime || !stime) {
    return std::nullopt;
  }
  sample.ppid = *ppid;
  sample.cpu_ticks = *utime + *stime;
  return sample;
}

std::optional<std::uint64_t> parse_cpu_busy_ticks(std::string_view text) {
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice". Read before and after every
  // run: parsed in place, without a string per field.
  const auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  if (line.substr(0, 4) != "cpu ") {
    return std::nullopt;
  }
  line.remove_prefix(4);
  constexpr std::array<bool, 8> k_busy = {true, true, true, false, false, true, true, true}; // user nice system irq softirq steal
  std::uint64_t busy = 0;
  std::size_t fields = 0;
  while (!line.empty()) {
    if (line.front() == ' ') {
      line.remove_prefix(1);
      continue;
    }
    std::uint64_t value = 0;
    const auto [next, error] = std::from_chars(line.data(), line.data() + line.size(), value);
    const auto used = static_cast<std::size_t>(next - line.data());
    if (error != std::errc() || (used < line.size() && line[used] != ' ')) {
      return std::nullopt;
    }
    if (fields < k_busy.size() && k_busy.at(fields)) {
      busy += value;
    }
    ++fields;
    line.remove_prefix(used);
  }
  if (fields < 4) {
    return std::nullopt;
  }
  return busy;
}

std::vector<ProcSample> read_all_proc_stats() {
  std::vector<ProcSample> samples;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) {
    return samples;
  }
  std::string path;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    path.assign("/proc/").append(name).append("/stat");
    // A process may end between listing and reading: skip it.
    if (const auto text = read_proc_file(path.c_str())) {
      if (auto sample = parse_proc_stat(*text)) {
        samples.push_back(std::move(*sample));
      }
    }
  }
  ::closedir(dir);
  return samples;
}

std::optional<std::uint64_t> read_cpu_busy_ticks() {
  const auto text = read_proc_file("/proc/stat");
  return text ? parse_cpu_busy_ticks(*text) : std::nullopt;
}

long ticks_per_second() {
  static const long ticks = [] {
    const long value = ::sysconf(_SC_CLK_TCK);
    return value > 0 ? value : 100;
  }();
  return ticks;
}

double own_cpu_seconds() {
  rusage self{};
  rusage children{};
  ::getrusage(RUSAGE_SELF, &self);
  ::getrusage(RUSAGE_CHILDREN, &children);
  return seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime);
}

} // namespace zkbench::measure
