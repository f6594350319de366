#include "measure/cgroup.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/files.hpp"
#include "util/strings.hpp"

namespace zkbench::measure {

namespace {

struct Hierarchy {
  core::Containment method = core::Containment::process_group;
  std::filesystem::path dir; // this process's cgroup in it
};

// Field 5 of /proc/self/mountinfo (mount point) and the root inside the hierarchy (field 4) for the
// first mount whose type is `fstype` and, for v1, whose super options name `controller`.
std::optional<std::pair<std::filesystem::path, std::string>> find_mount(const std::string& fstype,
                                                                        const std::string& controller) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) {
      continue;
    }
    std::istringstream head(line.substr(0, dash));
    std::istringstream tail(line.substr(dash + 3));
    std::string id, parent, device, root, mount_point, type, source, options;
    head >> id >> parent >> device >> root >> mount_point;
    tail >> type >> source >> options;
    if (type != fstype) {
      continue;
    }
    if (!controller.empty()) {
      const auto words = util::split(options, ',');
      if (std::find(words.begin(), words.end(), controller) == words.end()) {
        continue;
      }
    }
    return std::make_pair(std::filesystem::path(mount_point), root);
  }
  return std::nullopt;
}

// Our cgroup's path in the hierarchy that /proc/self/cgroup lists with `controllers` ("" for v2).
std::optional<std::string> own_cgroup_path(const std::string& controller) {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) {
      continue;
    }
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const auto names = util::split(controllers, ',');
    if ((controller.empty() && line.substr(0, first) == "0" && controllers.empty()) ||
        (!controller.empty() && std::find(names.begin(), names.end(), controller) != names.end())) {
      return line.substr(second + 1);
    }
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> cgroup_dir(const std::string& fstype, const std::string& controller) {
  const auto mount = find_mount(fstype, controller);
  const auto path = own_cgroup_path(controller);
  if (!mount || !path) {
    return std::nullopt;
  }
  std::string relative = *path;
  const std::string& root = mount->second;
  if (root != "/" && util::starts_with(relative, root)) {
    relative = relative.substr(root.size()); // a container's view of the hierarchy
  }
  return mount->first / std::filesystem::path(relative).relative_path();
}

// The hierarchies to try, best first; looked up once per process.
const std::vector<Hierarchy>& hierarchies() {
  static const std::vector<Hierarchy> found = [] {
    std::vector<Hierarchy> list;
    if (auto dir = cgroup_dir("cgroup2", "")) {
      // Children get memory.peak only when the memory controller is enabled for them.
      const auto enabled = util::split(util::trim(util::read_text_file(*dir / "cgroup.subtree_control").value_or("")), ' ');
      if (std::find(enabled.begin(), enabled.end(), "memory") != enabled.end()) {
        list.push_back({core::Containment::cgroup_v2, *dir});
      }
    }
    if (auto dir = cgroup_dir("cgroup", "memory")) {
      list.push_back({core::Containment::cgroup_v1, *dir});
    }
    return list;
  }();
  return found;
}

const char* peak_file(core::Containment method) {
  return method == core::Containment::cgroup_v2 ? "memory.peak" : "memory.max_usage_in_bytes";
}

// A cgroup file's text, read with plain system calls: this runs around every run, and an ifstream with
// its locale and filesystem checks was most of the cgroup's share of zkbench's time per run. "" when
// unreadable.
std::string read_cgroup_file(const std::filesystem::path& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return text;
  }
  std::array<char, 4096> chunk{};
  ssize_t n = 0;
  while ((n = ::read(fd, chunk.data(), chunk.size())) > 0 || (n < 0 && errno == EINTR)) {
    text.append(chunk.data(), static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
  }
  ::close(fd);
  return text;
}

std::vector<int> member_pids(const std::filesystem::path& dir) {
  std::vector<int> pids;
  for (const std::string& line : util::split(read_cgroup_file(dir / "cgroup.procs"), '\n')) {
    if (const auto pid = util::parse_int(line); pid && *pid > 0) {
      pids.push_back(*pid);
    }
  }
  return pids;
}

// The page cache charged to the cgroup now (memory.stat: v1 "cache", v2 "file"), in bytes; 0 if unread.
std::int64_t page_cache_bytes(const std::filesystem::path& dir, core::Containment method) {
  const std::string key = method == core::Containment::cgroup_v2 ? "file " : "cache ";
  for (const std::string& line : util::split(read_cgroup_file(dir / "memory.stat"), '\n')) {
    if (util::starts_with(line, key)) {
      const auto value = util::parse_count(util::trim(std::string_view(line).substr(key.size())));
      return value ? static_cast<std::int64_t>(*value) : 0;
    }
  }
  return 0;
}

} // namespace

std::optional<RunCgroup> RunCgroup::create() {
  static std::atomic<unsigned> sequence{0};
  for (const Hierarchy& hierarchy : hierarchies()) {
    const auto dir = hierarchy.dir / fmt::format("zkbench-{}-{}", ::getpid(), sequence++);
    std::error_code ec;
    if (!std::filesystem::create_directory(dir, ec)) {
      continue;
    }
    // How a child joins: v1 `tasks` (the writing thread alone, which is the whole child: it has one
    // thread), v2 `cgroup.procs`. A move of a whole process (cgroup.procs) write-locks the kernel's
    // cgroup_threadgroup_rwsem, whose first writer waits an RCU grace period (8 to 16 ms measured on
    // Linux 6.18 with v1, and again after every pause longer than one: the first run of every
    // benchmark, each run of `sleep 0.05`); recent kernels take no such lock for a thread that moves
    // itself ("0" written to `tasks`: 0.02 ms on the same machine). Kernels that lock either way cost
    // the same through both files.
    const char* join_file = hierarchy.method == core::Containment::cgroup_v1 ? "tasks" : "cgroup.procs";
    const int join_fd = ::open((dir / join_file).c_str(), O_WRONLY | O_CLOEXEC);
    // Read and write where the kernel allows resetting the peak (v1; v2 since Linux 6.12), else read only.
    const std::string peak = (dir / peak_file(hierarchy.method)).string();
    int peak_fd = ::open(peak.c_str(), O_RDWR | O_CLOEXEC);
    const bool resettable = peak_fd >= 0;
    if (peak_fd < 0) {
      peak_fd = ::open(peak.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (join_fd < 0 || peak_fd < 0) {
      for (const int fd : {join_fd, peak_fd}) {
        if (fd >= 0) {
          ::close(fd);
        }
      }
      ::rmdir(dir.c_str());
      continue;
    }
    return RunCgroup(hierarchy.method, dir, join_fd, peak_fd, resettable);
  }
  return std::nullopt;
}

RunCgroup::RunCgroup(RunCgroup&& other) noexcept
    : m_method(other.m_method), m_dir(std::move(other.m_dir)), m_join_fd(other.m_join_fd),
      m_peak_fd(other.m_peak_fd), m_resettable(other.m_resettable), m_runs_started(other.m_runs_started),
      m_survivor(other.m_survivor), m_charged_at_start(other.m_charged_at_start) {
  other.m_join_fd = -1;
  other.m_peak_fd = -1;
  other.m_dir.clear();
}

RunCgroup::~RunCgroup() {
  for (const int fd : {m_join_fd, m_peak_fd}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  if (!m_dir.empty()) {
    kill_all();
    ::rmdir(m_dir.c_str()); // fails (EBUSY) only if a process survived kill_all: it is left, not hidden
  }
}

bool RunCgroup::start_run() {
  if (m_survivor) {
    return false;
  }
  if (m_runs_started > 0 || m_resettable) {
    // v1: writing 0 sets max_usage_in_bytes to the usage now; v2: any write sets the peak that this
    // descriptor reads to the usage now (Linux 6.12; older kernels refuse the write or the open).
    const bool reset = m_resettable && ::pwrite(m_peak_fd, "0\n", 2, 0) == 2;
    if (!reset) {
      m_resettable = false;
      if (m_runs_started > 0) {
        return false;
      }
    }
  }
  // Page cache that earlier runs left charged (files they wrote or read first) stays charged while this
  // run runs: it is not this run's. The rest of what is charged between runs is the per-CPU charge
  // batch and kernel memory, a few hundred KiB that a new cgroup's first charge would take as well.
  // memory.stat is the dearest file to read (the kernel sums every counter): only when more than that
  // is charged at all.
  constexpr std::int64_t k_small_charge = 4 << 20;
  m_charged_at_start = 0;
  if (m_runs_started > 0 && read_peak().value_or(0) > k_small_charge) {
    m_charged_at_start = page_cache_bytes(m_dir, m_method);
  }
  ++m_runs_started;
  return true;
}

std::optional<std::int64_t> RunCgroup::read_peak() const {
  std::array<char, 64> text{};
  const ssize_t n = ::pread(m_peak_fd, text.data(), text.size() - 1, 0);
  if (n <= 0) {
    return std::nullopt;
  }
  const auto value = util::parse_count(util::trim(std::string_view(text.data(), static_cast<std::size_t>(n))));
  return value ? std::optional<std::int64_t>(static_cast<std::int64_t>(*value)) : std::nullopt;
}

std::optional<std::int64_t> RunCgroup::peak_memory_bytes() const {
  const auto peak = read_peak();
  if (!peak) {
    return std::nullopt;
  }
  return std::max<std::int64_t>(*peak - m_charged_at_start, 0);
}

std::vector<int> RunCgroup::kill_all() {
  std::vector<int> seen;
  if (m_dir.empty()) {
    return seen;
  }
  if (m_method == core::Containment::cgroup_v2) {
    // cgroup.kill (Linux 5.14): the kernel kills every member at once, forks in flight included.
    if (const int fd = ::open((m_dir / "cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC); fd >= 0) {
      seen = member_pids(m_dir);
      (void)::write(fd, "1", 1);
      ::close(fd);
    }
  }
  // v1 (and v2 before 5.14): kill the members one by one until none is left; a member forking
  // meanwhile shows up in the next round. Exited members leave cgroup.procs at once (zombies too).
  bool empty = false;
  for (int round = 0; round < 1000; ++round) {
    const std::vector<int> pids = member_pids(m_dir);
    if (pids.empty()) {
      empty = true;
      break;
    }
    for (const int pid : pids) {
      ::kill(pid, SIGKILL);
      seen.push_back(pid);
    }
    const timespec pause{0, 1'000'000};
    ::nanosleep(&pause, nullptr);
  }
  m_survivor = !empty; // a process that would not die: the next run gets a new cgroup
  return seen;
}

} // namespace zkbench::measure
