#pragma once
// The git operations the workflow needs (branches per experiment, worktrees so the user's checkout is
// never touched, diffs, merges), run with the `git` program. Every error says which git command failed
// and what git printed.

#include <filesystem>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::project {

class Git {
public:
  /// Git in the repository at `repo_dir`.
  explicit Git(std::filesystem::path repo_dir) : m_dir(std::move(repo_dir)) {}

  /// Runs `git <args>` in the repository; returns what it printed (stdout and stderr, trailing
  /// newline removed). Error: git is missing or exits non-zero ("git merge x: <output>").
  Result<std::string> run(const std::vector<std::string>& args) const;

  /// The commit `rev` names (full sha). Error: unknown revision.
  Result<std::string> commit_of(const std::string& rev) const;
  bool branch_exists(const std::string& branch) const;
  /// Creates `branch` at `start` (a commit). Error: it exists.
  Result<void> create_branch(const std::string& branch, const std::string& start) const;
  /// Renames a branch (also when a worktree has it checked out).
  Result<void> rename_branch(const std::string& from, const std::string& to) const;
  /// A worktree at `path` with `branch` checked out; an existing worktree there is reused (reset to the
  /// branch's commit, untracked build outputs kept).
  Result<void> ensure_worktree(const std::filesystem::path& path, const std::string& branch) const;
  /// Removes the worktree at `path` (forced); no error when there is none.
  void remove_worktree(const std::filesystem::path& path) const;
  /// `git diff from..to` (the patch text).
  Result<std::string> diff(const std::string& from, const std::string& to) const;

  const std::filesystem::path& dir() const { return m_dir; }

private:
  std::filesystem::path m_dir;
};

} // namespace zkbench::project
