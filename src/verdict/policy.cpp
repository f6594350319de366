#include "verdict/policy.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>


namespace zkbench::verdict {

namespace {

Policy make_generic() {
  return Policy{};
}

Policy make_optimized() {
  Policy p;
  p.name = "optimized";
  p.keep_threshold = 0.02; // seed 002 §4.5: "for already-optimized code: accept >2% improvements"
  p.maybe_threshold = 0.01;
  p.regression_threshold = 0.01;
  return p;
}

Policy make_zkvm() {
  Policy p;
  p.name = "zkvm";
  p.keep_threshold = 0.03; // seed 000: proving is expensive, smaller gains are worth keeping
  p.maybe_threshold = 0.01;
  p.regression_threshold = 0.01;
  p.timeout_multiplier = 1.15; // more variance on GPU provers
  return p;
}

// One settable key: how to read it into a Policy and check its range.
struct KeySpec {
  std::string_view key;
  std::function<Result<void>(const YAML::Node&, Policy&)> set;
};

template <typename T>
Result<T> scalar_as(const YAML::Node& node) {
  try {
    if (!node.IsScalar()) {
      return make_error("expected a scalar");
    }
    return node.as<T>();
  } catch (const YAML::Exception&) {
    return make_error(std::is_same_v<T, std::string> ? "expected a string" : "expected a number");
  }
}

auto fraction(double Policy::*field, double lo, double hi) {
  return [=](const YAML::Node& node, Policy& p) -> Result<void> {
    ZKBENCH_TRY_ASSIGN(v, scalar_as<double>(node));
    if (!(*v >= lo && *v < hi)) {
      return make_error(fmt::format("{} is out of range [{}, {})", *v, lo, hi));
    }
    p.*field = *v;
    return {};
  };
}

const std::vector<KeySpec>& key_specs() {
  static const std::vector<KeySpec> specs = {
      {"keep_threshold", fraction(&Policy::keep_threshold, 0.0, 1.0)},
      {"maybe_threshold", fraction(&Policy::maybe_threshold, 0.0, 1.0)},
      {"regression_threshold", fraction(&Policy::regression_threshold, 0.0, 1.0)},
      {"p_threshold", fraction(&Policy::p_threshold, 1e-12, 1.0)},
      {"timeout_multiplier", fraction(&Policy::timeout_multiplier, 1.0, 1e9)},
      {"timeout_min_slack_s", fraction(&Policy::timeout_min_slack_s, 0.0, 1e9)},
      {"cv_limit", fraction(&Policy::cv_limit, 1e-12, 1e9)},
      {"flaky_runs",
       [](const YAML::Node& node, Policy& p) -> Result<void> {
         auto v = scalar_as<int>(node);
         if (!v) {
           return make_error("expected an integer");
         }
         if (*v < 2) {
           return make_error(fmt::format("{} is out of range (at least 2)", *v));
         }
         p.flaky_runs = *v;
         return {};
       }},
      {"outlier_sigma", fraction(&Policy::outlier_sigma, 1e-12, 1e9)},
      {"deterministic_keep", fraction(&Policy::deterministic_keep, 0.0, 1.0)},
      {"deterministic_regression", fraction(&Policy::deterministic_regression, 0.0, 1.0)},
      {"primary_metric",
       [](const YAML::Node& node, Policy& p) -> Result<void> {
         auto v = scalar_as<std::string>(node);
         if (!v || v->empty()) {
           return make_error("expected a metric name");
         }
         p.primary_metric = *v;
         return {};
       }},
      {"input_regression_limit", fraction(&Policy::input_regression_limit, 0.0, 1.0)},
      {"deterministic_metrics",
       [](const YAML::Node& node, Policy& p) -> Result<void> {
         if (!node.IsSequence()) {
           return make_error("expected a list of metric names, e.g. [steps, cycles]");
         }
         std::vector<std::string> names;
         for (const YAML::Node& item : node) {
           auto name = scalar_as<std::string>(item);
           if (!name || name->empty()) {
             return make_error("expected a list of metric names, e.g. [steps, cycles]");
           }
           names.push_back(*name);
         }
         p.deterministic_metrics = std::move(names);
         return {};
       }},
  };
  return specs;
}

std::string where(std::string_view source, const YAML::Node& node, std::string_view key) {
  return fmt::format("{}:{}: key '{}'", source, node.Mark().line + 1, key);
}

} // namespace

bool declares_deterministic(const Policy& policy, std::string_view metric) {
  return std::find(policy.deterministic_metrics.begin(), policy.deterministic_metrics.end(), metric) !=
         policy.deterministic_metrics.end();
}

std::vector<std::string_view> policy_keys() {
  std::vector<std::string_view> keys;
  for (const auto& spec : key_specs()) {
    keys.push_back(spec.key);
  }
  return keys;
}

std::vector<std::string_view> preset_names() {
  return {"generic", "optimized", "zkvm"};
}

Result<Policy> preset(std::string_view name) {
  if (name == "generic") {
    return make_generic();
  }
  if (name == "optimized") {
    return make_optimized();
  }
  if (name == "zkvm") {
    return make_zkvm();
  }
  return make_error(fmt::format("unknown policy preset '{}' (known: generic, optimized, zkvm)", name));
}

Result<Policy> parse_policy_yaml(std::string_view text, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    return make_error(fmt::format("{}:{}: invalid YAML: {}", source, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap()) {
    return make_error(fmt::format("{}: a policy must be a mapping of keys to values", source));
  }
  Policy policy;
  if (const auto base = root["preset"]) {
    auto name = scalar_as<std::string>(base);
    ZKBENCH_TRY_ASSIGN(chosen, with_context(name ? preset(*name) : tl::unexpected(name.error()),
                                            where(source, base, "preset")));
    policy = *chosen;
  }
  policy.name = std::string(source);
  for (const auto& entry : root) {
    const auto key = entry.first.as<std::string>();
    if (key == "preset") {
      continue;
    }
    const auto& specs = key_specs();
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const KeySpec& s) { return s.key == key; });
    if (spec == specs.end()) {
      return make_error(fmt::format("{}: unknown key (known: preset, {})", where(source, entry.first, key),
                                    fmt::join(policy_keys(), ", ")));
    }
    ZKBENCH_TRY(with_context(spec->set(entry.second, policy), where(source, entry.second, key)));
  }
  if (policy.maybe_threshold > policy.keep_threshold) {
    return make_error(fmt::format("{}: maybe_threshold ({}) exceeds keep_threshold ({})", source,
                                  policy.maybe_threshold, policy.keep_threshold));
  }
  return policy;
}

} // namespace zkbench::verdict
