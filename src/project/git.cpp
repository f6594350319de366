#include "project/git.hpp"

#include <fmt/format.h>

#include "util/strings.hpp"
#include "project/probe.hpp"

namespace zkbench::project {

Result<std::string> Git::run(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  // Merges and worktree checkouts of large repositories take a while; they are not measured.
  ZKBENCH_TRY_ASSIGN(out,
                     with_context(probe_command(argv, std::chrono::minutes(10), m_dir), "cannot run git"));
  std::string text = out->output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  if (out->exit_code != 0) {
    return make_error(fmt::format("git {} (in {}): {}", util::join(args, " "), m_dir.string(),
                                  text.empty() ? "failed" : text));
  }
  return text;
}

Result<std::string> Git::commit_of(const std::string& rev) const {
  return run({"rev-parse", "--verify", "--quiet", rev + "^{commit}"});
}

bool Git::branch_exists(const std::string& branch) const {
  return run({"rev-parse", "--verify", "--quiet", "refs/heads/" + branch}).has_value();
}

Result<void> Git::create_branch(const std::string& branch, const std::string& start) const {
  ZKBENCH_TRY(run({"branch", branch, start}));
  return {};
}

Result<void> Git::rename_branch(const std::string& from, const std::string& to) const {
  ZKBENCH_TRY(run({"branch", "-M", from, to}));
  return {};
}

Result<void> Git::ensure_worktree(const std::filesystem::path& path, const std::string& branch) const {
  std::error_code ec;
  if (std::filesystem::exists(path / ".git", ec)) {
    const Git inside(path);
    ZKBENCH_TRY(inside.run({"checkout", "--quiet", "--force", branch}));
    ZKBENCH_TRY(inside.run({"reset", "--quiet", "--hard", branch}));
    return {};
  }
  std::filesystem::remove_all(path, ec);
  (void)run({"worktree", "prune"});
  std::filesystem::create_directories(path.parent_path(), ec);
  ZKBENCH_TRY(run({"worktree", "add", "--force", "--quiet", path.string(), branch}));
  return {};
}

void Git::remove_worktree(const std::filesystem::path& path) const {
  (void)run({"worktree", "remove", "--force", path.string()});
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  (void)run({"worktree", "prune"});
}

Result<std::string> Git::diff(const std::string& from, const std::string& to) const {
  auto text = run({"diff", from + ".." + to});
  if (text && !text->empty()) {
    *text += "\n";
  }
  return text;
}

} // namespace zkbench::project
