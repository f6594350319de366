#pragma once
// The one profile model shared by every source (ziskemu, pprof/RISC Zero, Gecko/SP1, callgrind).
//
// A Profile holds what a profiler reported, never more: every figure a source lacks is nullopt, and
// derived figures (per-call, shares) are computed by the accessors below, not stored twice. Pure: no I/O.
//
// Inclusive vs exclusive: "inclusive" (a.k.a. cumulative, "cum", "total") counts a function and
// everything it calls; "exclusive" (a.k.a. flat, self) counts only the function's own instructions.
// Inclusive figures of different functions overlap and must never be summed as if exclusive.
//
// Units: "steps" are executed instructions (ziskemu steps, callgrind Ir, SP1 cycles-as-samples);
// "cost" is ziskemu's weighted cost; "cycles" are a zkVM's cycle counts (RISC Zero pprof, SP1).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkbench::profile {

/// Which tool wrote the profile.
enum class SourceKind { unknown, ziskemu, pprof, gecko, callgrind };

/// "ziskemu", "pprof", "gecko", "callgrind", "unknown".
const char* to_string(SourceKind kind);

/// The three measures a profile may carry.
enum class Metric { steps, cost, cycles };

/// "steps", "cost", "cycles".
const char* to_string(Metric metric);

/// Which of a function's figures: with its callees (inclusive) or its own only (exclusive).
enum class Scope { inclusive, exclusive };

struct Source {
  SourceKind kind = SourceKind::unknown;
  /// Format version as far as the content tells it ("v0.15", "v0.17+", "gecko meta 3"); empty if unknown.
  std::string version;
  /// Where it came from, for messages (usually the file name the caller passed); may be empty.
  std::string origin;
};

/// Steps, cost and cycles of one thing; each is nullopt when the source does not report it.
struct Figures {
  std::optional<std::uint64_t> steps;
  std::optional<std::uint64_t> cost;
  std::optional<std::uint64_t> cycles;

  /// The figure for `metric` (nullopt when absent).
  std::optional<std::uint64_t> get(Metric metric) const;
  /// Sets the figure for `metric`.
  void set(Metric metric, std::uint64_t value);
  /// True when no figure is present.
  bool empty() const { return !steps && !cost && !cycles; }
};

/// One named figure in source order, e.g. a cost category ("MAIN", 6315508772) or "FROPS".
struct NamedValue {
  std::string name;
  std::uint64_t value = 0;
};

/// Whole-program figures.
struct Totals {
  Figures figures;                              // total steps / cost / cycles
  /// Cost by category in source order, names upper case as ziskemu prints them: BASE, MAIN, OPCODES,
  /// PRECOMPILES, MEMORY, and VARIABLE (v0.17+, = MAIN+OPCODES+PRECOMPILES+MEMORY). TOTAL is not a row
  /// here: it is figures.cost.
  std::vector<NamedValue> cost_distribution;
  /// Other whole-program figures a source prints (ziskemu "FROPS", "RAM USAGE"; RISC Zero "segments").
  std::vector<NamedValue> other;

  /// The category's cost, nullopt when absent (name compared case-insensitively).
  std::optional<std::uint64_t> category(std::string_view name) const;
  /// Variable cost: the VARIABLE row when present, else TOTAL minus BASE when both are known.
  std::optional<std::uint64_t> variable_cost() const;
};

/// One row of an opcode / precompile cost table ("OP keccak 32,650 2,466,707,500 21.57% #1").
struct OpcodeCost {
  std::string name;                  // "keccak", "add", "dma_memcpy" (without the "OP " prefix)
  std::optional<std::uint64_t> count; // executions; nullopt where the source omits them (--sdk box)
  std::uint64_t cost = 0;
  std::optional<int> rank;           // ziskemu marks the four costliest #1..#4
  /// ziskemu "HIT" percentage for FROPS rows (fraction 0..1), nullopt elsewhere.
  std::optional<double> hit_fraction;

  /// True for known zkVM precompiles (keccak, sha256, arith256*, secp256k1*, bn254*, bls12_381*, blake2…).
  bool is_precompile() const;
};

/// A caller of a function with the calls it made and the steps they took (ziskemu TOP STEP CALLERS,
/// pprof/callgrind call edges).
struct Caller {
  std::string name;
  std::optional<std::uint64_t> calls;
  Figures figures;
};

/// One function of the profile. Names are as the source prints them (possibly truncated to
/// --compact-names, with spaces, '<', '>' and "::"); they are NOT unique keys: two different functions
/// may share a truncated name, so a Profile may hold several entries with one name.
struct FunctionProfile {
  std::string name;
  Figures inclusive;                 // with callees (ziskemu top tables, pprof cum, callgrind inclusive)
  Figures exclusive;                 // own instructions only (pprof flat, callgrind self)
  std::optional<std::uint64_t> calls;
  std::vector<OpcodeCost> opcodes;   // per-function opcode table (ziskemu DETAIL FUNCTION), may be empty
  std::vector<Caller> callers;       // may be empty

  /// Figure for `metric` in `scope`; nullopt when absent.
  std::optional<std::uint64_t> get(Metric metric, Scope scope) const;
  /// Figure / calls; nullopt when either is absent or calls == 0.
  std::optional<double> per_call(Metric metric, Scope scope) const;
  /// Inclusive figure when present, else exclusive: the best "how much of the program is this" figure.
  std::optional<std::uint64_t> best(Metric metric) const;
};

/// A ziskemu PROFILE TAGS row (a user-tagged region).
struct ProfileTag {
  std::string name;
  Figures figures;
  std::optional<std::uint64_t> calls;
};

/// A parsed profile.
struct Profile {
  Source source;
  Totals totals;
  /// Functions in source order (first table first). See FunctionProfile about non-unique names.
  std::vector<FunctionProfile> functions;
  std::vector<OpcodeCost> opcodes;   // program-wide opcode/precompile cost table (ziskemu COST BY OPCODE)
  std::vector<OpcodeCost> frops;     // ziskemu FROPS BY OPCODE
  std::vector<ProfileTag> tags;
  /// Public outputs as the source prints them (ziskemu: 8-hex-digit words after the report).
  std::vector<std::string> public_outputs;
  /// What the parser noticed but did not model ("skipped unknown section 'X' at line 12").
  std::vector<std::string> notes;

  /// First function with exactly this name, nullptr when none.
  const FunctionProfile* find(std::string_view name) const;
  FunctionProfile* find(std::string_view name);

  /// Total for `metric`: totals.figures when present; nullopt otherwise. (Never a sum of inclusive
  /// figures.)
  std::optional<std::uint64_t> total(Metric metric) const;

  /// `value` as a fraction of total(metric); nullopt when the total is absent or zero.
  std::optional<double> share(std::uint64_t value, Metric metric) const;

  /// Functions that report `metric` in `scope`, sorted by that figure, largest first (ties by name),
  /// at most `limit` (0 = all). Pointers into `functions`, valid while the profile is unchanged.
  std::vector<const FunctionProfile*> top(Metric metric, Scope scope, std::size_t limit) const;

  /// True when some function carries `metric` in `scope`.
  bool has(Metric metric, Scope scope) const;
};

} // namespace zkbench::profile
