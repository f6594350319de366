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

// A small /proc file read with one read(2) into `buffer` (not cleared first: the scan reads hundreds of
// them before and after runs). nullopt when the file is gone (the process ended).
std::optional<std::string_view> read_proc_file(int dir_fd, const char* path, std::array<char, 4096>& buffer) {
  const int fd = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  const ssize_t n = ::read(fd, buffer.data(), buffer.size());
  ::close(fd);
  if (n <= 0) {
    return std::nullopt;
  }
  return std::string_view(buffer.data(), static_cast<std::size_t>(n));
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
  // The fields after the name, in place (the scan parses every process): [0] = state (field 3),
  // [1] = ppid (4), [11] = utime (14), [12] = stime (15).
  std::string_view rest = util::trim(text.substr(close + 1));
  std::optional<int> ppid;
  std::optional<std::uint64_t> utime;
  std::optional<std::uint64_t> stime;
  for (std::size_t field = 0; field <= 12 && !rest.empty(); ++field) {
    const auto space = rest.find(' ');
    const std::string_view value = rest.substr(0, space);
    if (field == 1) {
      ppid = util::parse_int(value);
    } else if (field == 11) {
      utime = util::parse_count(value);
    } else if (field == 12) {
      stime = util::parse_count(value);
    }
    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space);
    while (!rest.empty() && rest.front() == ' ') {
      rest.remove_prefix(1);
    }
  }
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
  std::array<char, 4096> buffer; // NOLINT(cppcoreguidelines-pro-type-member-init): read into, never cleared
  std::string path;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    path.assign(name).append("/stat");
    // A process may end between listing and reading: skip it.
    if (const auto text = read_proc_file(::dirfd(dir), path.c_str(), buffer)) {
      if (auto sample = parse_proc_stat(*text)) {
        samples.push_back(std::move(*sample));
      }
    }
  }
  ::closedir(dir);
  return samples;
}

CpuBusyReader::CpuBusyReader() : m_fd(::open("/proc/stat", O_RDONLY | O_CLOEXEC)) {}

std::optional<std::uint64_t> CpuBusyReader::read() const {
  if (m_fd.get() < 0) {
    return std::nullopt;
  }
  std::array<char, 4096> buffer; // NOLINT(cppcoreguidelines-pro-type-member-init): read into, never cleared
  const ssize_t n = ::pread(m_fd.get(), buffer.data(), buffer.size(), 0);
  if (n <= 0) {
    return std::nullopt;
  }
  return parse_cpu_busy_ticks(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
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
