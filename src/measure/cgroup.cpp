#include "measure/cgroup.hpp"

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
  ContainMethod method = ContainMethod::process_group;
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
      const auto enabled = util::split(util::trim(read_text_file(*dir / "cgroup.subtree_control").value_or("")), ' ');
      if (std::find(enabled.begin(), enabled.end(), "memory") != enabled.end()) {
        list.push_back({ContainMethod::cgroup_v2, *dir});
      }
    }
    if (auto dir = cgroup_dir("cgroup", "memory")) {
      list.push_back({ContainMethod::cgroup_v1, *dir});
    }
    return list;
  }();
  return found;
}

const char* peak_file(ContainMethod method) {
  return method == ContainMethod::cgroup_v2 ? "memory.peak" : "memory.max_usage_in_bytes";
}

std::vector<int> member_pids(const std::filesystem::path& dir) {
  std::vector<int> pids;
  std::istringstream in(read_text_file(dir / "cgroup.procs").value_or(""));
  for (std::string line; std::getline(in, line);) {
    if (const auto pid = util::parse_int(line); pid && *pid > 0) {
      pids.push_back(*pid);
    }
  }
  return pids;
}

} // namespace

const char* to_string(ContainMethod method) {
  switch (method) {
  case ContainMethod::cgroup_v2:
    return "cgroup-v2";
  case ContainMethod::cgroup_v1:
    return "cgroup-v1";
  case ContainMethod::process_group:
    return "process-group";
  }
  return "process-group";
}

std::optional<RunCgroup> RunCgroup::create() {
  static std::atomic<unsigned> sequence{0};
  for (const Hierarchy& hierarchy : hierarchies()) {
    const auto dir = hierarchy.dir / fmt::format("zkbench-{}-{}", ::getpid(), sequence++);
    std::error_code ec;
    if (!std::filesystem::create_directory(dir, ec)) {
      continue;
    }
    const int fd = ::open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || !std::filesystem::exists(dir / peak_file(hierarchy.method), ec)) {
      if (fd >= 0) {
        ::close(fd);
      }
      ::rmdir(dir.c_str());
      continue;
    }
    return RunCgroup(hierarchy.method, dir, fd);
  }
  return std::nullopt;
}

RunCgroup::RunCgroup(RunCgroup&& other) noexcept
    : m_method(other.m_method), m_dir(std::move(other.m_dir)), m_procs_fd(other.m_procs_fd) {
  other.m_procs_fd = -1;
  other.m_dir.clear();
}

RunCgroup::~RunCgroup() {
  if (m_procs_fd >= 0) {
    ::close(m_procs_fd);
  }
  if (!m_dir.empty()) {
    kill_all();
    ::rmdir(m_dir.c_str()); // fails (EBUSY) only if a process survived kill_all: it is left, not hidden
  }
}

std::optional<std::int64_t> RunCgroup::peak_memory_bytes() const {
  const auto text = read_text_file(m_dir / peak_file(m_method));
  if (!text) {
    return std::nullopt;
  }
  const auto value = util::parse_count(util::trim(*text));
  return value ? std::optional<std::int64_t>(static_cast<std::int64_t>(*value)) : std::nullopt;
}

std::vector<int> RunCgroup::kill_all() {
  std::vector<int> seen;
  if (m_dir.empty()) {
    return seen;
  }
  if (m_method == ContainMethod::cgroup_v2) {
    // cgroup.kill (Linux 5.14): the kernel kills every member at once, forks in flight included.
    if (const int fd = ::open((m_dir / "cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC); fd >= 0) {
      seen = member_pids(m_dir);
      (void)::write(fd, "1", 1);
      ::close(fd);
    }
  }
  // v1 (and v2 before 5.14): kill the members one by one until none is left; a member forking
  // meanwhile shows up in the next round. Exited members leave cgroup.procs at once (zombies too).
  for (int round = 0; round < 1000; ++round) {
    const std::vector<int> pids = member_pids(m_dir);
    if (pids.empty()) {
      break;
    }
    for (const int pid : pids) {
      ::kill(pid, SIGKILL);
      seen.push_back(pid);
    }
    const timespec pause{0, 1'000'000};
    ::nanosleep(&pause, nullptr);
  }
  return seen;
}

} // namespace zkbench::measure
