#include "workflow/bisect.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/bisect_record.hpp"
#include "project/workspace.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "util/text.hpp"
#include "workflow/bisect_report.hpp"
#include "workflow/checkout_steps.hpp"
#include "workflow/measure_inputs.hpp"

namespace zkbench::workflow {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The next free number under benchmarks/bisect/ ("001", "002", ...).
std::string next_id(const std::filesystem::path& dir) {
  const std::vector<std::filesystem::path> taken = util::numbered_subfolders(dir, 3);
  return fmt::format("{:03d}", taken.empty() ? 1 : std::stoi(taken.back().filename().string()) + 1);
}

// The inputs named (all when none), each made present (generated inputs written).
Result<std::vector<project::InputSpec>> chosen_inputs(project::Workspace& ws, const std::vector<std::string>& names) {
  std::vector<project::InputSpec> chosen;
  for (const project::InputSpec& input : ws.project.inputs.inputs) {
    if (names.empty() || std::find(names.begin(), names.end(), input.name) != names.end()) {
      chosen.push_back(input);
    }
  }
  for (const std::string& name : names) {
    if (std::none_of(chosen.begin(), chosen.end(), [&](const project::InputSpec& i) { return i.name == name; })) {
      std::vector<std::string> known;
      for (const project::InputSpec& input : ws.project.inputs.inputs) {
        known.push_back(input.name);
      }
      return make_error(
          fmt::format("--input '{}' is not in inputs.yaml (inputs: {})", name, util::join(known, ", ")));
    }
  }
  if (chosen.empty()) {
    return make_error("inputs.yaml has no inputs: nothing to measure");
  }
  for (const project::InputSpec& input : chosen) {
    ZKBENCH_TRY(ensure_input(ws, input));
  }
  return chosen;
}

// The project's policy with --metric and --threshold applied. Errors: a metric the project does not measure.
Result<verdict::Policy> configured_policy(const project::ProjectConfig& config, const BisectOptions& options) {
  ZKBENCH_TRY_ASSIGN(policy, project::project_policy(config));
  if (options.metric) {
    const std::string& m = *options.metric;
    if (!verdict::is_builtin_metric(m) && config.benchmark.metrics.count(m) == 0 &&
        config.benchmark.metric_files.count(m) == 0) {
      return make_error(fmt::format("--metric '{}': zkbench.yaml does not measure it (benchmark.metrics or "
                                    "benchmark.metric_files); 'time' and 'cpu' are always measured",
                                    m));
    }
    policy->primary_metric = m;
  }
  return bisect_policy(*policy, options.threshold);
}

bool is_ends_comparison(const core::BisectRecord::Comparison& c, const std::string& good, const std::string& bad) {
  return (c.baseline == good || c.baseline == bad) && (c.candidate == good || c.candidate == bad);
}

// The unfinished record under `bisect_dir` of the same question (the same ends, range, metric, inputs,
// threshold and runs), if any: the newest. The machine lock keeps two bisections from running at once, so
// an unfinished record is an interrupted one.
std::optional<core::BisectRecord> interrupted_bisection(const std::filesystem::path& bisect_dir,
                                                        const BisectOutcome& question) {
  std::optional<core::BisectRecord> found;
  for (const std::filesystem::path& folder : util::numbered_subfolders(bisect_dir, 3)) {
    auto text = util::read_text_file(folder / "results.json");
    if (!text) {
      continue;
    }
    auto record = core::read_bisect_record(nlohmann::json::parse(*text, nullptr, false));
    if (!record || record->complete || record->id != folder.filename().string() || record->good != question.good ||
        record->bad != question.bad || record->metric != question.metric || record->inputs != question.inputs ||
        record->threshold != question.threshold || record->max_runs != question.max_runs ||
        record->commits.size() != question.commits.size()) {
      continue;
    }
    bool same_range = true;
    for (std::size_t i = 0; i < question.commits.size(); ++i) {
      same_range = same_range && record->commits[i].commit == question.commits[i].commit;
    }
    if (same_range) {
      found = std::move(*record);
    }
  }
  return found;
}

// How many owner ids the interrupted run used: those its record counts, and any the step it was killed in
// took (their sessions are linked already).
Result<std::size_t> owner_ids_used(store::Store& store, const core::BisectRecord& earlier) {
  std::size_t used = earlier.owner_ids;
  for (std::size_t id = used, unlinked = 0; unlinked < 64; ++id) {
    ZKBENCH_TRY_ASSIGN(links, store.session_links("bisect", earlier.first_owner_id + static_cast<std::int64_t>(id)));
    if (links->empty()) {
      ++unlinked;
    } else {
      used = id + 1;
      unlinked = 0;
    }
  }
  return used;
}

// The attempts a recorded placement rested on: each attempt asks two questions (BisectJudge::classify), one
// row per input each.
std::size_t attempts_recorded(const core::BisectRecord& earlier, const std::string& commit) {
  std::size_t rows = 0;
  for (const core::BisectRecord::Comparison& c : earlier.comparisons) {
    rows += c.baseline == commit || c.candidate == commit ? 1 : 0;
  }
  const std::size_t per_attempt = 2 * std::max<std::size_t>(1, earlier.inputs.size());
  return std::max<std::size_t>(1, (rows + per_attempt - 1) / per_attempt);
}

class Bisection {
public:
  Bisection(project::Workspace& ws, const BisectOptions& options, BisectOutcome& outcome)
      : m_ws(ws), m_options(options), m_out(outcome) {}

  void say(const std::string& line) const {
    if (m_options.say) {
      m_options.say(line);
    }
  }

  // Builds commit `index` once and runs its correctness command on every input; the reason it cannot be
  // measured, else "" (the build in `build`).
  std::string prepare(std::size_t index, const std::vector<project::InputSpec>& inputs, CommitBuild& build) {
    BisectCommit& c = m_out.commits[index];
    build.commit = c.commit;
    auto tree = kept_build(m_ws, c.commit, "bisect-" + c.commit.substr(0, 12),
                           [this](const std::string& line) { say(line); });
    if (!tree) {
      return c.note = "does not build: " + tree.error().message;
    }
    build.dir = *tree;
    for (const project::InputSpec& input : inputs) {
      const Clock::time_point start = Clock::now();
      auto hash = correctness_hash(m_ws, input, build.dir);
      if (!hash) {
        return c.note = "fails the correctness command: " + hash.error().message;
      }
      m_reference_s = std::max(m_reference_s, seconds_since(start));
      std::string& known = m_hashes[input.name];
      if (known.empty()) {
        known = hash->hash;
      } else if (known != hash->hash && c.note.empty()) {
        c.note = fmt::format("its output on input '{}' differs from GOOD's", input.name);
      }
    }
    return {};
  }

  double reference_s() const { return m_reference_s; }

private:
  project::Workspace& m_ws;
  const BisectOptions& m_options;
  BisectOutcome& m_out;
  double m_reference_s = 0;
  std::map<std::string, std::string> m_hashes; // input -> GOOD's correctness hash
};

} // namespace

std::string confidence_statement(const BisectOutcome& outcome) {
  const double bound = 1.0 - static_cast<double>(outcome.claims) * outcome.alpha;
  if (outcome.exact) {
    return fmt::format("decided exactly on the deterministic metric {} (each commit measured showed one value on "
                       "its 3 runs): no statistical error, as long as {} is deterministic",
                       outcome.metric, outcome.metric);
  }
  if (outcome.direction == Shift::none && !outcome.steps.empty()) {
    return fmt::format("the ends' first claim (each claim at {:.3g}% one-sided) was not confirmed: asked again on "
                       "fresh runs they were not told apart, and no commit between them could be placed; a change "
                       "smaller than the ends' interval may remain",
                       outcome.alpha * 100);
  }
  if (outcome.direction == Shift::none) {
    return fmt::format(
        "no claim was made: the rule could not tell the ends apart within its runs (each claim at "
        "{:.3g}% one-sided); a change smaller than the ends' interval may remain",
        outcome.alpha * 100);
  }
  return fmt::format(
      "each step rests on one claim of the sequential rule, wrong with probability at most {:.3g}% "
      "whatever the noise (one-sided, all inputs together); the answer rests on {} claims (the "
      "ends' questions and one per attempt at each placed commit): {}",
      outcome.alpha * 100, outcome.claims,
      bound > 0 ? fmt::format("right with probability at least {:.0f}% (Bonferroni: {} x {:.3g}%)",
                              bound * 100, outcome.claims, outcome.alpha * 100)
                : std::string("Bonferroni gives no useful bound here (claims x alpha >= 1)"));
}

Result<std::vector<std::string>> first_parent_range(const project::Git& git, const std::string& good_rev,
                                                    const std::string& bad_rev) {
  ZKBENCH_TRY_ASSIGN(good, with_context(git.commit_of(good_rev), "GOOD '" + good_rev + "'"));
  ZKBENCH_TRY_ASSIGN(bad, with_context(git.commit_of(bad_rev), "BAD '" + bad_rev + "'"));
  if (*good == *bad) {
    return make_error(fmt::format("GOOD '{}' and BAD '{}' are the same commit {}: nothing to bisect",
                                  good_rev, bad_rev, good->substr(0, 12)));
  }
  ZKBENCH_TRY_ASSIGN(listed, git.run({"rev-list", "--first-parent", *good + ".." + *bad}));
  std::vector<std::string> commits{*good};
  std::vector<std::string> later = util::split(util::trim(*listed), '\n');
  std::reverse(later.begin(), later.end());
  for (const std::string& c : later) {
    if (!util::trim(c).empty()) {
      commits.emplace_back(util::trim(c));
    }
  }
  auto parent =
      commits.size() > 1 ? git.commit_of(commits[1] + "^1") : Result<std::string>(make_error("none"));
  if (commits.size() < 2 || commits.back() != *bad || !parent || *parent != *good) {
    return make_error(
        fmt::format("GOOD {} is not on the first-parent history of BAD {}: give GOOD as an older "
                    "commit of BAD's branch (git log --first-parent {})",
                    good->substr(0, 12), bad->substr(0, 12), bad_rev));
  }
  return commits;
}

int bisect_max_runs(const project::ProjectConfig& config, const verdict::Policy& policy, std::optional<int> runs) {
  // At most twice exp run's maximum by default: a step must be placed, not merely judged worth keeping, and
  // the sequential rule stops early where the evidence is clear (bench_verdicts --bisect: 40 against 20 runs
  // per side took a 10% step at CV 5% from 89% to 96% right, at 10% more runs).
  return runs.value_or(2 * std::max(config.benchmark.runs, policy.flaky_runs));
}

Result<BisectOutcome> run_bisect(project::Workspace& ws, const BisectOptions& options) {
  const Clock::time_point start = Clock::now();
  const project::ProjectConfig& config = ws.project.config;
  BisectOutcome out;
  ZKBENCH_TRY_ASSIGN(range, first_parent_range(ws.git, options.good, options.bad));
  ZKBENCH_TRY_ASSIGN(inputs, chosen_inputs(ws, options.inputs));
  ZKBENCH_TRY_ASSIGN(policy, configured_policy(config, options));
  out.good = range->front();
  out.bad = range->back();
  out.metric = policy->primary_metric;
  out.alpha = policy->p_threshold;
  out.fixed_runs = std::max(1, config.benchmark.runs);
  for (const project::InputSpec& input : *inputs) {
    out.inputs.push_back(input.name);
  }
  for (const std::string& commit : *range) {
    auto subject = ws.git.run({"log", "-1", "--format=%s", commit});
    out.commits.push_back(
        {commit, subject ? util::valid_utf8(util::trim(*subject)) : std::string(), std::nullopt, {}});
  }
  out.threshold = policy->maybe_threshold;
  out.max_runs = bisect_max_runs(config, *policy, options.runs);

  // An interrupted bisection of the same question is taken up where it stopped.
  std::filesystem::path dir = ws.benchmarks_dir() / "bisect";
  const std::optional<core::BisectRecord> earlier = interrupted_bisection(dir, out);
  out.id = earlier ? earlier->id : next_id(dir);
  dir /= out.id;
  if (std::error_code ec; !std::filesystem::create_directories(dir, ec) && ec) {
    return make_error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }

  BisectJudgeSettings settings;
  settings.command = fmt::format("zkbench bisect {} {}", options.good, options.bad);
  out.first_owner_id = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  std::size_t owner_ids_before = 0; // the earlier run's, the step it was killed in included
  if (earlier) {
    out.first_owner_id = earlier->first_owner_id;
    ZKBENCH_TRY_ASSIGN(used, owner_ids_used(*ws.store, *earlier));
    owner_ids_before = *used;
  }
  settings.first_owner_id = out.first_owner_id + static_cast<std::int64_t>(owner_ids_before);
  settings.inputs = *inputs;
  settings.policy = *policy;
  settings.max_runs = out.max_runs;
  settings.measure_further = !options.runs;
  settings.warmup = config.benchmark.warmup;
  settings.fixed_runs = static_cast<std::size_t>(out.fixed_runs);
  settings.status = options.status;
  BisectJudge judge(ws, settings);
  Bisection bisection(ws, options, out);
  double earlier_s = 0; // the interrupted runs' time
  std::map<std::string, const core::BisectRecord::Commit*> judged; // commit -> its recorded verdict
  if (earlier) {
    earlier_s = earlier->elapsed_s;
    out.resumed = earlier->resumed + 1;
    std::vector<BisectEvidence> evidence;
    std::size_t ends_rows = 0;
    for (const core::BisectRecord::Comparison& c : earlier->comparisons) {
      evidence.push_back(evidence_from(c));
      ends_rows += is_ends_comparison(c, out.good, out.bad) ? 1 : 0;
    }
    judge.resume(std::move(evidence), earlier->cost, earlier->comparisons_made, earlier->exact,
                 ends_rows / out.inputs.size());
    for (const core::BisectRecord::Step& step : earlier->steps) {
      for (const core::BisectRecord::Commit& c : earlier->commits) {
        if (c.commit == step.commit) {
          judged[c.commit] = &c;
        }
      }
    }
    bisection.say(fmt::format("resuming bisect {} (interrupted): {}, {} commits already judged, {} comparisons "
                              "({} runs) kept",
                              out.id, earlier->direction.empty() ? "the ends not yet compared" : "the ends compared",
                              judged.size(), earlier->comparisons_made, earlier->cost.runs()));
  }
  // results.json after every step, complete at the end: the dashboard follows a running bisection. A resumed
  // one keeps the earlier record as it is until the judged steps are replayed (a second interruption before
  // then loses nothing).
  const auto save = [&]() -> Result<void> {
    out.evidence = judge.evidence();
    out.cost = judge.cost();
    out.comparisons = judge.comparisons();
    out.owner_ids = owner_ids_before + judge.owner_ids();
    out.elapsed_s = earlier_s + seconds_since(start);
    return util::write_file_atomically(dir / "results.json",
                                 util::json_text(core::to_json(bisect_record(out)), 2) + "\n");
  };
  if (!earlier) {
    ZKBENCH_TRY(save());
  }
  const auto set_phase = [&](const std::string& phase) {
    if (options.status != nullptr) {
      options.status->info().phase = phase;
      options.status->write();
    }
  };

  const std::size_t last = out.commits.size() - 1;
  bisection.say(fmt::format("bisecting {} commits of the first-parent history {}..{} on {} ({}), inputs {}",
                            last, out.good.substr(0, 12), out.bad.substr(0, 12), out.metric, policy->name,
                            util::join(out.inputs, ", ")));
  CommitBuild good;
  CommitBuild bad;
  set_phase("build");
  for (auto [index, build, name] :
       {std::tuple{std::size_t{0}, &good, "GOOD"}, std::tuple{last, &bad, "BAD"}}) {
    if (const std::string why = bisection.prepare(index, *inputs, *build); !why.empty()) {
      return make_error(fmt::format("{} {} {}: an end must build and pass the correctness command", name,
                                    out.commits[index].commit.substr(0, 12), why));
    }
  }
  judge.set_reference_seconds(bisection.reference_s());
  out.ends_compared = true;
  if (const std::optional<Shift> known = earlier ? shift_from(earlier->direction) : std::nullopt) {
    out.direction = *known; // the ends' answer of the interrupted run
    out.exact = judge.exact();
  } else {
    set_phase("ends");
    bisection.say(fmt::format("comparing the ends: {} (BAD) against {} (GOOD)", bad.commit.substr(0, 12),
                              good.commit.substr(0, 12)));
    ZKBENCH_TRY_ASSIGN(direction, judge.compare_ends(good, bad));
    out.direction = *direction;
    out.exact = judge.exact();
    ZKBENCH_TRY(save());
  }
  std::size_t placed = 0;
  if (out.direction == Shift::none) {
    bisection.say("no difference between the ends: nothing to bisect");
  } else {
    bisection.say(
        fmt::format("BAD is {} than GOOD{}; bisecting", to_string(out.direction),
                    out.exact ? fmt::format(" (exact {}: each commit measured once)", out.metric) : ""));
    set_phase("bisect");
    const CommitProbe probe = [&](std::size_t index) -> Result<CommitClass> {
      BisectCommit& c = out.commits[index];
      if (const auto found = judged.find(c.commit); found != judged.end()) {
        if (const std::optional<CommitClass> verdict = commit_class_from(found->second->verdict)) {
          c.verdict = *verdict;
          c.note = found->second->note;
          placed += *verdict == CommitClass::good || *verdict == CommitClass::bad
                        ? attempts_recorded(*earlier, c.commit)
                        : 0;
          bisection.say(fmt::format("  {} {}: {} (judged before the interruption)", c.commit.substr(0, 12),
                                    c.subject, to_string(*verdict)));
          out.steps.push_back({index, *verdict});
          return *verdict;
        }
      }
      CommitBuild mid;
      if (const std::string why = bisection.prepare(index, *inputs, mid); !why.empty()) {
        bisection.say(fmt::format("  {} {}: skipped, it {}", c.commit.substr(0, 12), c.subject, why));
        c.verdict = CommitClass::skip;
        out.steps.push_back({index, CommitClass::skip});
        ZKBENCH_TRY(save());
        return CommitClass::skip;
      }
      judge.set_reference_seconds(bisection.reference_s());
      const std::size_t before = judge.evidence().size();
      ZKBENCH_TRY_ASSIGN(verdict, judge.classify(good, bad, mid, out.direction));
      c.verdict = *verdict;
      if (*verdict == CommitClass::skip) {
        c.note = judge.evidence().back().failure;
      }
      // A placement rests on one claim, from either attempt: each attempt counts in the bound.
      placed += *verdict == CommitClass::good || *verdict == CommitClass::bad
                    ? static_cast<std::size_t>(judge.last_attempts())
                    : 0;
      std::vector<std::string> seen;
      for (std::size_t i = before; i < judge.evidence().size(); ++i) {
        const BisectEvidence& e = judge.evidence()[i];
        seen.push_back(fmt::format("{} {} against {}: {} {}", e.input, e.candidate.substr(0, 12),
                                   e.baseline.substr(0, 12), e.verdict, describe_change(e)));
      }
      bisection.say(fmt::format("  {} {}: {} ({})", c.commit.substr(0, 12), c.subject, to_string(*verdict),
                                util::join(seen, "; ")));
      out.steps.push_back({index, *verdict});
      ZKBENCH_TRY(save());
      return *verdict;
    };
    ZKBENCH_TRY_ASSIGN(answer, search_between(judge, good, bad, out.direction, last, probe));
    // git bisect run: ceil(log2(commits)) steps, each a fixed A/B of the configured runs per side.
    out.git_bisect_runs = bisect_halvings(last) * 2 * static_cast<std::size_t>(out.fixed_runs);
    if (answer->direction == Shift::none) {
      out.direction = Shift::none;
      out.warnings.push_back(fmt::format(
          "the ends' first claim was not confirmed: no commit between them could be told apart from either end ({} "
          "asked), and asked once more the ends were not told apart either",
          answer->search.steps.size()));
      bisection.say("no commit could be placed and the ends, asked again, were not told apart: no difference "
                    "between the ends");
    } else {
      out.search = std::move(answer->search);
      const std::string& culprit = out.commits[out.search->first_bad].commit;
      auto stat = ws.git.run({"diff", "--stat", culprit + "^1", culprit});
      out.culprit_diff_stat =
          stat ? util::valid_utf8(*stat) : "(git diff --stat failed: " + stat.error().message + ")";
      out.culprit_subject = out.commits[out.search->first_bad].subject;
    }
  }
  out.claims = out.direction == Shift::none ? 0 : judge.ends_questions() + placed;
  for (const BisectCommit& c : out.commits) {
    if (!c.note.empty() && (!c.verdict || *c.verdict != CommitClass::skip)) { // skips have their line
      out.warnings.push_back(fmt::format("commit {}: {}", c.commit.substr(0, 12), c.note));
    }
  }
  out.complete = true;
  ZKBENCH_TRY(save());
  ZKBENCH_TRY(util::write_file_atomically(dir / "report.md", bisect_report_markdown(out)));
  out.files = {dir / "report.md", dir / "results.json"};
  return out;
}

} // namespace zkbench::workflow
