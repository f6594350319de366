#pragma once
// Helpers of the PostgreSQL fleet tests: a store URL of the test's own (schema per test folder) and
// processes started in the background.

#include <csignal>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "store/pg_db.hpp"
#include "support/postgres.hpp"

namespace zkbench::test {

/// The test server's URL pointing into a schema of its own for `folder` (created here).
inline std::string pg_store_url(const std::filesystem::path& folder) {
  const std::string schema = schema_for(folder);
  auto created = store::PgDb::connect(test_pg_url(), schema);
  EXPECT_TRUE(created) << (created ? "" : created.error().message);
  return url_with_schema(test_pg_url(), schema);
}

/// Starts `argv` (argv[0] a path) with stdout+stderr to `log`; returns its pid.
inline pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out == nullptr || ::dup2(STDOUT_FILENO, STDERR_FILENO) < 0) {
      ::_exit(126);
    }
    std::vector<char*> args;
    std::vector<std::string> copies = argv;
    for (auto& arg : copies) {
      args.push_back(arg.data());
    }
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

/// Waits for `pid`; returns its exit code (128 + signal when killed).
inline int wait_process(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace zkbench::test
