#include "project/init.hpp"

#include <fmt/format.h>

#include "util/files.hpp"

namespace zkbench::project {

namespace {

const char* const k_header = R"(# zkbench project ({preset} preset). Edit the commands, then: zkbench env, zkbench baseline.
# Placeholders in commands: {{input}} (the input's path), {{input_name}}, {{out}} (a scratch folder per input,
# for proofs) and each key under `vars`. zkbench quotes the values for /bin/sh: do not quote them yourself.
objective: "{objective}"

)";

const char* const k_generic = R"(benchmark:
  build: "make"                       # run before measuring a commit (empty: nothing to build)
  command: "./prove.sh {input}"       # what is timed, once per run and input
  runs: 10                            # measured runs per input (seed 002: at least 10)
  warmup: 3                           # unmeasured runs first
  timeout_multiplier: 1.10            # an experiment slower than 1.10x the baseline is killed (KILL)
  cooldown_seconds: 0                 # pause between runs: none for a CPU program (a GPU one: 60-120)
  metrics: {}                         # name: regex with one capture group, read from the output
                                      #   e.g. steps: 'steps: ([0-9,]+)'
  metric_files: {}                    # name: file whose size is recorded after each run
                                      #   e.g. proof_size: "{out}/proof.bin"
  deterministic: []                   # metrics exact when equal on 3 runs per side, e.g. [steps]
  shell: auto                         # auto | always | never (run through /bin/sh)

correctness:
  command: "./run.sh {input}"         # its stdout (or the files under outputs) is hashed and must equal the baseline's
  outputs: []                         # files to hash instead of stdout

policy: generic                       # generic (KEEP >5%), optimized (KEEP >2%), zkvm (KEEP >3%), or a policy file
inputs: benchmarks/inputs.yaml        # never a single input (seed 002 rule 6)
# store: benchmarks/zkbench.db        # SQLite file (default) or postgres://... URL
)";

const char* const k_zkvm_common = R"(  runs: 10                            # measured proofs per input (seed 002: at least 10)
  warmup: 1                           # proofs take minutes: one unmeasured proof loads kernels and caches
  timeout_multiplier: 1.15            # zkvm: a proof slower than 1.15x the baseline is killed (KILL)
  cooldown_seconds: 120               # zkvm: at least 2 minutes between proofs (GPU heat)
  max_start_temp: 50                  # °C: wait for the GPU to cool below this before each proof
  shell: auto                         # auto | always | never (run through /bin/sh)
)";

const char* const k_zkvm_policy = R"(
# zkvm policy (seed 000): KEEP > 3% faster, MAYBE 1-3%, DISCARD below or on any regression,
# KILL past timeout_multiplier, REJECT when the output changes. Or: generic, optimized, a policy file.
policy: zkvm
inputs: benchmarks/inputs.yaml        # block types of seed 000; never a single input
# store: benchmarks/zkbench.db        # SQLite file (default) or postgres://... URL
)";

const char* const k_zisk = R"(vars:
  elf: target/riscv64ima-zisk-zkvm-elf/release/guest   # the guest ELF that `cargo-zisk build --release` writes

benchmark:
  build: "cargo-zisk build --release"
  command: "cargo-zisk prove -e {elf} -i {input} -o {out} -a -u -y"
  prover_metrics: zisk                # steps, proof and execution time from cargo-zisk's output
  metric_files:
    proof_size: "{out}/vadcop_final_proof.bin"
  deterministic: [steps]              # exact when equal on 3 runs per side (the guest's work)
{common}
correctness:
  command: "ziskemu -e {elf} -i {input}"       # the emulator's output (public values) must not change
  outputs: []
  verify: "cargo-zisk verify -p {out}/vadcop_final_proof.bin"   # each proof must verify

profile:
  zkvm: zisk
  command: "ziskemu -e {elf} -i {input} -X -S -D"   # cost, steps and calls per function
# guest: Cargo.toml                   # the guest's manifest: its [patch.crates-io] goes to environment.yaml
)";

const char* const k_sp1 = R"(vars:
  host: target/release/host           # the host program (script) that `cargo build --release` writes

benchmark:
  build: "cargo build --release"
  command: "{host} --prove --input {input}"      # the `cargo run --release -- --prove` of SP1's template
  prover_metrics: sp1                 # cycles, gas and cycle-tracker spans, when the script prints them
  metrics: {}                         # more, e.g. cycles: '([0-9,]+) cycles'
  deterministic: []                   # e.g. [cycles]: metrics decided exactly when equal on 3 runs per side
{common}
correctness:
  command: "{host} --execute --input {input}"    # execution only: the public values must not change
  outputs: []

profile:
  zkvm: sp1
  command: "TRACE_FILE={out}/trace.json {host} --execute --input {input}"
  output: "{out}/trace.json"          # Gecko-format trace (open in the Firefox Profiler)
# guest: program/Cargo.toml           # the guest's manifest: its [patch.crates-io] goes to environment.yaml
)";

const char* const k_risc0 = R"(vars:
  host: target/release/host           # the host program that `cargo build --release` writes

benchmark:
  build: "cargo build --release"
  command: "RISC0_INFO=1 {host} --input {input}"   # RISC0_INFO=1 prints the cycle counts
  prover_metrics: risc0               # total (cycles), user, paging, reserved cycles, segments, ecalls
  deterministic: [cycles, user_cycles]   # exact when equal on 3 runs per side (the guest's work)
{common}
correctness:
  command: "RISC0_DEV_MODE=1 {host} --input {input}"   # execution without proving: the journal must not change
  outputs: []

profile:
  zkvm: risc0
  command: "RISC0_DEV_MODE=1 RISC0_PPROF_OUT={out}/profile.pb {host} --input {input}"
  output: "{out}/profile.pb"          # pprof (cycles per function): go tool pprof -top
# guest: methods/guest/Cargo.toml     # the guest's manifest: its [patch.crates-io] goes to environment.yaml
)";

const char* const k_inputs_generic = R"(# Inputs of the benchmark (seed 002 §3.2): several shapes, never a single input.
# Paths are relative to this file. weight (default 1) weighs the average across inputs;
# category: light, keccak_heavy, ecrecover_heavy, bn254_heavy, bls12_381_heavy, large_state, typical, other.
inputs:
  - name: small
    path: inputs/small.txt
    description: "Small input: the lower bound"
    category: light
  - name: typical
    path: inputs/typical.txt
    description: "A representative input"
    category: typical
    weight: 2
  # A generated input: the command writes it to {output}; the seed is recorded with the results.
  # - name: random_42
  #   generate: {command: "python3 gen.py --seed {seed} > {output}", seed: 42}
)";

const char* const k_inputs_zkvm = R"(# Inputs of the benchmark (seed 002 §3.2, seed 000 "Block Selection for zkVM"): diverse blocks.
# Paths are relative to this file. weight (default 1) weighs the average across inputs;
# category: light, keccak_heavy, ecrecover_heavy, bn254_heavy, bls12_381_heavy, large_state, typical, other.
inputs:
  - name: light
    path: inputs/block_light.bin
    description: "Few transactions, no precompiles: the lower bound"
    category: light
  - name: keccak_heavy
    path: inputs/block_keccak_heavy.bin
    description: "Many storage operations: tests hash optimizations"
    category: keccak_heavy
  - name: ecrecover_heavy
    path: inputs/block_ecrecover_heavy.bin
    description: "Many signature verifications: tests the secp256k1 patch"
    category: ecrecover_heavy
  - name: typical
    path: inputs/block_typical.bin
    description: "An average mainnet block"
    category: typical
    weight: 2
)";

} // namespace

std::optional<Preset> parse_preset(std::string_view text) {
  for (const Preset p : {Preset::generic, Preset::zisk, Preset::sp1, Preset::risc0}) {
    if (text == to_string(p)) {
      return p;
    }
  }
  return std::nullopt;
}

const char* to_string(Preset preset) {
  switch (preset) {
  case Preset::generic:
    return "generic";
  case Preset::zisk:
    return "zisk";
  case Preset::sp1:
    return "sp1";
  case Preset::risc0:
    return "risc0";
  }
  return "generic";
}

InitFiles render_init_files(Preset preset) {
  const char* objective = preset == Preset::generic ? "Make the benchmark command faster without changing its output"
                                                    : "Reduce proving time without changing the proven output";
  // The templates hold literal {input} placeholders, so they are spliced with replace, not fmt.
  std::string header = fmt::format(fmt::runtime(k_header), fmt::arg("preset", to_string(preset)),
                                   fmt::arg("objective", objective));
  if (preset == Preset::generic) {
    return {header + k_generic, k_inputs_generic};
  }
  std::string body = preset == Preset::zisk ? k_zisk : preset == Preset::sp1 ? k_sp1 : k_risc0;
  const std::string marker = "{common}\n";
  body.replace(body.find(marker), marker.size(), k_zkvm_common);
  return {header + body + k_zkvm_policy, k_inputs_zkvm};
}

std::optional<std::filesystem::path> find_git_root(const std::filesystem::path& start) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(start, ec);
  while (!dir.empty()) {
    if (std::filesystem::exists(dir / ".git", ec)) {
      return dir;
    }
    if (dir == dir.root_path()) {
      break;
    }
    dir = dir.parent_path();
  }
  return std::nullopt;
}

Result<std::vector<std::filesystem::path>> init_project(const std::filesystem::path& dir, Preset preset,
                                                        Overwrite overwrite) {
  if (!find_git_root(dir)) {
    return make_error(fmt::format("'{}' is not inside a git repository: zkbench keeps each experiment on a git "
                                  "branch (run `git init` first)",
                                  std::filesystem::absolute(dir).string()));
  }
  const std::filesystem::path config = dir / "zkbench.yaml";
  const std::filesystem::path inputs = dir / "benchmarks" / "inputs.yaml";
  if (overwrite == Overwrite::no) {
    for (const auto& path : {config, inputs}) {
      std::error_code ec;
      if (std::filesystem::exists(path, ec)) {
        return make_error(fmt::format("'{}' already exists; nothing written (--force overwrites it)", path.string()));
      }
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir / "benchmarks" / "inputs", ec);
  if (ec) {
    return make_error(fmt::format("cannot create '{}': {}", (dir / "benchmarks" / "inputs").string(), ec.message()));
  }
  const InitFiles files = render_init_files(preset);
  ZKBENCH_TRY(util::write_file_atomically(config, files.config_yaml));
  ZKBENCH_TRY(util::write_file_atomically(inputs, files.inputs_yaml));
  return std::vector<std::filesystem::path>{config, inputs};
}

} // namespace zkbench::project
