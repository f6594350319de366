#include "util/subprocess.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/fd.hpp"
#include "util/strings.hpp"

extern char** environ;

namespace zkbench::util {

namespace {

bool is_executable(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

int wait_for_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

} // namespace

std::optional<std::filesystem::path> find_program(const std::string& program) {
  if (program.empty()) {
    return std::nullopt;
  }
  if (program.find('/') != std::string::npos) {
    return is_executable(program) ? std::optional<std::filesystem::path>(program) : std::nullopt;
  }
  const char* path_env = std::getenv("PATH");
  // Without PATH, look where a shell would by default.
  for (const std::string& dir : split(path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin", ':')) {
    // An empty PATH entry means the current directory (POSIX).
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / program;
    if (is_executable(candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

Result<CapturedOutput> capture_output(const std::vector<std::string>& argv, double timeout_s,
                                      std::size_t limit_bytes, const std::filesystem::path& cwd) {
  if (argv.empty()) {
    return make_error("capture_output: empty command");
  }
  const auto program = find_program(argv[0]);
  if (!program) {
    return make_error(fmt::format("'{}' not found on PATH", argv[0]));
  }

  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    return make_error(fmt::format("cannot create a pipe for '{}': {}", argv[0], std::strerror(errno)));
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  if (!cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so a timeout kills whatever the tool started too.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);

  pid_t pid = 0;
  const int spawn_error =
      ::posix_spawn(&pid, program->c_str(), &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  write_end.reset();
  if (spawn_error != 0) {
    return make_error(fmt::format("cannot start '{}'{}: {}", program->string(),
                                  cwd.empty() ? std::string() : fmt::format(" in '{}'", cwd.string()),
                                  std::strerror(spawn_error)));
  }

  CapturedOutput result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::array<char, 8192> buffer{};
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      result.timed_out = true;
      break;
    }
    const ssize_t n = ::read(read_end.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break; // EOF: every writer (the tool and its children) has closed the pipe
    }
    const std::size_t room = limit_bytes - std::min(limit_bytes, result.output.size());
    result.output.append(buffer.data(), std::min(room, static_cast<std::size_t>(n)));
  }
  if (result.timed_out) {
    ::kill(-pid, SIGKILL);
  }
  const int status = wait_for_child(pid);
  if (!result.timed_out && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

} // namespace zkbench::util
