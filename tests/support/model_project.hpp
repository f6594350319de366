#pragma once
// A workflow project played by the model executor (model_executor.hpp) for the workflow's unit tests:
// real git, a real SQLite store, no process measured. Two inputs (a, b with weight 2), a build, a
// correctness command, a steps metric, 10 runs with 1 warmup; `Ready` opens it, `ready` also measures
// its baseline.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "support/fixtures.hpp"
#include "support/model_executor.hpp"
#include "workflow/baseline.hpp"
#include "workflow/experiment.hpp"
#include "project/workspace.hpp"

namespace zkbench::test {

inline int sh(const std::filesystem::path& dir, const std::string& command) {
  return std::system(("cd '" + dir.string() + "' && { " + command + "; } >/dev/null 2>&1").c_str());
}

inline void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

class Project {
public:
  explicit Project(const std::string& extra_inputs = "", const std::string& correctness_extra = "",
                   const std::string& policy_yaml = "") {
    const auto& d = m_dir.path();
    std::filesystem::create_directories(d / "benchmarks");
    write(d / "a.txt", "a\n");
    write(d / "b.txt", "b\n");
    write(d / "benchmarks" / "inputs.yaml",
          "inputs:\n  - name: a\n    path: ../a.txt\n  - name: b\n    path: ../b.txt\n    weight: 2\n" + extra_inputs);
    write(d / "zkbench.yaml", "benchmark:\n  build: \"build it\"\n  command: \"prog {input}\"\n  runs: 10\n  warmup: 1\n"
                              "  cooldown_seconds: 0\n  metrics:\n    steps: 'steps: ([0-9]+)'\n"
                              "correctness:\n  command: \"prog {input}\"\n" +
                                  correctness_extra + (policy_yaml.empty() ? "policy: generic\n" : "policy: policy.yaml\n"));
    if (!policy_yaml.empty()) {
      write(d / "policy.yaml", policy_yaml);
    }
    write(d / ".gitignore", ".zkbench/\n");
    write(d / "code.txt", "v1\n");
    EXPECT_EQ(sh(d, "git init -q && git config user.email t@t && git config user.name t && git add -A && "
                    "git commit -qm base"),
              0);
  }

  /// The workspace with the model executor behind it; no GPU monitor, no contention gate (the model's
  /// runs take no machine time: the real machine's load says nothing about them).
  project::Workspace open(ModelExecutor*& model) {
    auto ws = project::open_workspace(m_dir.path() / "zkbench.yaml");
    EXPECT_TRUE(ws) << ws.error().message;
    auto owned = std::make_unique<ModelExecutor>(7);
    model = owned.get();
    ws->executor = std::move(owned);
    ws->monitor = nullptr;
    ws->contention = nullptr;
    ws->stop_requested = {};
    return std::move(*ws);
  }

  /// exp new + a committed change on its branch; returns the number.
  int experiment(project::Workspace& ws, const std::string& name, bool commit = true) {
    auto e = workflow::new_experiment(ws, name, "it is faster", 0.1);
    EXPECT_TRUE(e) << e.error().message;
    if (commit) {
      EXPECT_EQ(sh(dir(), "git checkout -q " + e->branch + " && echo " + name + " >> code.txt && git commit -qam change && "
                          "git checkout -q -"),
                0);
    }
    return e->number;
  }

  const std::filesystem::path& dir() const { return m_dir.path(); }

private:
  test::TempDir m_dir;
};

struct Ready {
  Ready(const std::string& extra_inputs, const std::string& correctness_extra, const std::string& policy_yaml = "")
      : project(extra_inputs, correctness_extra, policy_yaml), ws(project.open(model)) {}
  ModelExecutor* model = nullptr;
  Project project;
  project::Workspace ws;
};

// A project with a baseline measured through the model (runs per input as zkbench.yaml: 10).
inline std::unique_ptr<Ready> ready(const std::string& extra_inputs = "", const std::string& correctness_extra = "") {
  auto r = std::make_unique<Ready>(extra_inputs, correctness_extra);
  auto baseline = workflow::establish_baseline(r->ws, {});
  EXPECT_TRUE(baseline) << baseline.error().message;
  return r;
}

// A project whose baseline was measured with run-to-run noise `cv` (and `policy_yaml` as its policy file).
inline std::unique_ptr<Ready> ready_with_cv(double cv, const std::string& policy_yaml = "") {
  auto r = std::make_unique<Ready>("", "", policy_yaml);
  r->model->cv = cv;
  auto baseline = workflow::establish_baseline(r->ws, {});
  EXPECT_TRUE(baseline) << baseline.error().message;
  return r;
}

} // namespace zkbench::test
