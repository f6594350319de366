#include "profile/profile.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace zkbench::profile {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

} // namespace

const char* to_string(SourceKind kind) {
  switch (kind) {
  case SourceKind::ziskemu:
    return "ziskemu";
  case SourceKind::pprof:
    return "pprof";
  case SourceKind::gecko:
    return "gecko";
  case SourceKind::callgrind:
    return "callgrind";
  case SourceKind::unknown:
    break;
  }
  return "unknown";
}

const char* to_string(Metric metric) {
  switch (metric) {
  case Metric::steps:
    return "steps";
  case Metric::cost:
    return "cost";
  case Metric::cycles:
    return "cycles";
  }
  return "steps";
}

std::optional<std::uint64_t> Figures::get(Metric metric) const {
  switch (metric) {
  case Metric::steps:
    return steps;
  case Metric::cost:
    return cost;
  case Metric::cycles:
    return cycles;
  }
  return std::nullopt;
}

void Figures::set(Metric metric, std::uint64_t value) {
  switch (metric) {
  case Metric::steps:
    steps = value;
    return;
  case Metric::cost:
    cost = value;
    return;
  case Metric::cycles:
    cycles = value;
    return;
  }
}

std::optional<std::uint64_t> Totals::category(std::string_view name) const {
  for (const NamedValue& row : cost_distribution) {
    if (iequals(row.name, name)) {
      return row.value;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> Totals::variable_cost() const {
  if (auto variable = category("VARIABLE")) {
    return variable;
  }
  const auto base = category("BASE");
  if (base && figures.cost && *figures.cost >= *base) {
    return *figures.cost - *base;
  }
  return std::nullopt;
}

bool OpcodeCost::is_precompile() const {
  // ZisK's precompile opcodes (emulator op names); other zkVMs' syscalls use similar stems.
  static constexpr std::array<std::string_view, 12> k_stems = {
      "keccak", "sha256", "arith256", "arith384", "secp256k1", "secp256r1",
      "bn254",  "bls12",  "blake2",   "poseidon", "add256",    "ecrecover"};
  return std::any_of(k_stems.begin(), k_stems.end(),
                     [&](std::string_view stem) { return name.find(stem) != std::string::npos; });
}

std::optional<std::uint64_t> FunctionProfile::get(Metric metric, Scope scope) const {
  return scope == Scope::inclusive ? inclusive.get(metric) : exclusive.get(metric);
}

std::optional<double> FunctionProfile::per_call(Metric metric, Scope scope) const {
  const auto value = get(metric, scope);
  if (!value || !calls || *calls == 0) {
    return std::nullopt;
  }
  return static_cast<double>(*value) / static_cast<double>(*calls);
}

std::optional<std::uint64_t> FunctionProfile::best(Metric metric) const {
  if (auto value = inclusive.get(metric)) {
    return value;
  }
  return exclusive.get(metric);
}

const FunctionProfile* Profile::find(std::string_view name) const {
  for (const FunctionProfile& function : functions) {
    if (function.name == name) {
      return &function;
    }
  }
  return nullptr;
}

FunctionProfile* Profile::find(std::string_view name) {
  for (FunctionProfile& function : functions) {
    if (function.name == name) {
      return &function;
    }
  }
  return nullptr;
}

std::optional<std::uint64_t> Profile::total(Metric metric) const {
  return totals.figures.get(metric);
}

std::optional<double> Profile::share(std::uint64_t value, Metric metric) const {
  const auto whole = total(metric);
  if (!whole || *whole == 0) {
    return std::nullopt;
  }
  return static_cast<double>(value) / static_cast<double>(*whole);
}

std::vector<const FunctionProfile*> Profile::top(Metric metric, Scope scope, std::size_t limit) const {
  std::vector<const FunctionProfile*> rows;
  for (const FunctionProfile& function : functions) {
    if (function.get(metric, scope)) {
      rows.push_back(&function);
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const FunctionProfile* a, const FunctionProfile* b) {
    const auto va = *a->get(metric, scope);
    const auto vb = *b->get(metric, scope);
    if (va != vb) {
      return va > vb;
    }
    return a->name < b->name;
  });
  if (limit != 0 && rows.size() > limit) {
    rows.resize(limit);
  }
  return rows;
}

bool Profile::has(Metric metric, Scope scope) const {
  return std::any_of(functions.begin(), functions.end(),
                     [&](const FunctionProfile& f) { return f.get(metric, scope).has_value(); });
}

} // namespace zkbench::profile
