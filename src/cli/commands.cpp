// The subcommand table. Each command lives in its own cmd_<name>.cpp and exposes its setup here.
#include "cli/app.hpp"

#include <array>

namespace zkbench::cli {

CommandMain setup_version(CLI::App& sub);
CommandMain setup_compare(CLI::App& sub);
CommandMain setup_ab(CLI::App& sub);
CommandMain setup_history(CLI::App& sub);
CommandMain setup_run(CLI::App& sub);
CommandMain setup_store(CLI::App& sub);
CommandMain setup_submit(CLI::App& sub);
CommandMain setup_queue(CLI::App& sub);
CommandMain setup_worker(CLI::App& sub);
CommandMain setup_task(CLI::App& sub);
CommandMain setup_init(CLI::App& sub);
CommandMain setup_env(CLI::App& sub);
CommandMain setup_doctor(CLI::App& sub);
CommandMain setup_gpu(CLI::App& sub);
CommandMain setup_notify(CLI::App& sub);
CommandMain setup_serve(CLI::App& sub);
CommandMain setup_profile(CLI::App& sub);
CommandMain setup_project(CLI::App& sub);

CommandMain setup_baseline(CLI::App& sub);
CommandMain setup_exp(CLI::App& sub);
CommandMain setup_next(CLI::App& sub);
CommandMain setup_compound(CLI::App& sub);
CommandMain setup_bisect(CLI::App& sub);
CommandMain setup_learn(CLI::App& sub);
CommandMain setup_idea(CLI::App& sub);
CommandMain setup_final(CLI::App& sub);
CommandMain setup_status(CLI::App& sub);
CommandMain setup_logs(CLI::App& sub);
CommandMain setup_report(CLI::App& sub);
CommandMain setup_generate(CLI::App& sub);

namespace {

const std::array k_commands = {
    CommandEntry{"run", "Benchmark commands (hyperfine's options); every run is kept in the store", &setup_run},
    CommandEntry{"version", "Print zkbench's version", &setup_version},
    CommandEntry{"compare", "Compare two result files and give a verdict", &setup_compare},
    CommandEntry{"ab", "Run two commands alternately and decide, with early stopping", &setup_ab},
    CommandEntry{"history", "List the sessions in the store, or show one session's runs", &setup_history},
    CommandEntry{"store", "Migrate a store, or copy one store into another (SQLite <-> PostgreSQL)", &setup_store},
    CommandEntry{"submit", "Queue `zkbench <args>` for a worker of a machine class", &setup_submit},
    CommandEntry{"queue", "List the queue's jobs: queued, running, done, failed", &setup_queue},
    CommandEntry{"worker", "Run queued jobs of this machine's class, one at a time", &setup_worker},
    CommandEntry{"task", "Hand out tasks and record results as YAML (seed 002's protocol)", &setup_task},
    CommandEntry{"init", "Write zkbench.yaml and benchmarks/inputs.yaml in a git repository", &setup_init},
    CommandEntry{"env", "Record the machine, GPU, toolchain and commit in benchmarks/environment.yaml", &setup_env},
    CommandEntry{"doctor", "Check provers, GPU, guest patches and a log for known failures", &setup_doctor},
    CommandEntry{"gpu", "Show GPU telemetry now (--watch to keep reading)", &setup_gpu},
    CommandEntry{"notify", "Notifications: `notify test` sends one to the configured webhooks", &setup_notify},
    CommandEntry{"serve", "Serve the live dashboard (or a report folder) over HTTP (loopback by default)", &setup_serve},
    CommandEntry{"profile", "Show a profile (ziskemu, …), diff two, or profile the project on an input (run)", &setup_profile},
    CommandEntry{"project", "Project hypotheses' savings from a baseline profile; compare with a measured one",
                 &setup_project},
    CommandEntry{"baseline", "Build, check correctness and measure every input: the baseline experiments compare with", &setup_baseline},
    CommandEntry{"exp", "Experiments: new, run (verdict KEEP/DISCARD/REJECT/KILL...), close, list, show", &setup_exp},
    CommandEntry{"compound", "Test experiments together; record a conflict when A+B < max(A, B)", &setup_compound},
    CommandEntry{"bisect", "Find the commit that made it slower: interleaved A/B at each bisection step", &setup_bisect},
    CommandEntry{"next", "Diminishing returns? What to try next", &setup_next},
    CommandEntry{"learn", "Add a key learning to the tracker", &setup_learn},
    CommandEntry{"idea", "Add an idea to the backlog (or --done ID)", &setup_idea},
    CommandEntry{"final", "Write benchmarks/FINAL_REPORT.md", &setup_final},
    CommandEntry{"status", "What the measuring zkbench does: experiment, input, run i/N, elapsed, ETA", &setup_status},
    CommandEntry{"logs", "The output of the newest --detach command (-f follows it)", &setup_logs},
    CommandEntry{"report", "Write the HTML dashboard (benchmarks/report/) from the store", &setup_report},
    CommandEntry{"generate", "Print the man page or a shell completion (a build step)", &setup_generate, true},
};

} // namespace

std::span<const CommandEntry> commands() {
  return k_commands;
}

} // namespace zkbench::cli
