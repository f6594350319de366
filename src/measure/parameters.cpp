#include "measure/parameters.hpp"

#include <cctype>
#include <cstdint>
#include <set>

#include <fmt/format.h>

namespace zkbench::measure {

namespace {

// A decimal as an integer mantissa and a number of decimal places, so that a scan over 0.1 steps
// produces 0.3 and not 0.30000000000000004 (hyperfine uses exact decimals for the same reason).
struct Decimal {
  std::int64_t mantissa = 0;
  int scale = 0;
};

constexpr std::size_t k_max_scan_values = 100000;

std::int64_t pow10(int n) {
  std::int64_t p = 1;
  for (int i = 0; i < n; ++i) {
    p *= 10;
  }
  return p;
}

std::optional<Decimal> parse_decimal(const std::string& text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  Decimal d;
  bool any_digit = false;
  bool after_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !after_point) {
      after_point = true;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) == 0 || d.scale >= 12 || d.mantissa > (INT64_MAX / 100)) {
      return std::nullopt;
    }
    any_digit = true;
    d.mantissa = d.mantissa * 10 + (c - '0');
    if (after_point) {
      ++d.scale;
    }
  }
  if (!any_digit) {
    return std::nullopt;
  }
  if (negative) {
    d.mantissa = -d.mantissa;
  }
  return d;
}

std::int64_t rescale(const Decimal& d, int scale) {
  return d.mantissa * pow10(scale - d.scale);
}

std::string format_decimal(std::int64_t mantissa, int scale) {
  const bool negative = mantissa < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-mantissa) : static_cast<std::uint64_t>(mantissa);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    const auto width = static_cast<std::size_t>(scale) + 1;
    if (digits.size() < width) {
      digits.insert(0, width - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

} // namespace

Result<std::vector<std::string>> scan_values(const ParameterScan& scan) {
  const auto min = parse_decimal(scan.min);
  const auto max = parse_decimal(scan.max);
  if (!min || !max) {
    return make_error(fmt::format("-P/--parameter-scan {}: '{}' is not a number", scan.name,
                                  min ? scan.max : scan.min));
  }
  Decimal step{1, 0};
  if (scan.step) {
    const auto parsed = parse_decimal(*scan.step);
    if (!parsed || parsed->mantissa <= 0) {
      return make_error(fmt::format("-D/--parameter-step-size: '{}' is not a positive number", *scan.step));
    }
    step = *parsed;
  } else if (min->scale > 0 || max->scale > 0) {
    return make_error("A step size is required when the range bounds are floating point numbers. The step "
                      "size can be specified with the '-D/--parameter-step-size <DELTA>' parameter");
  }
  const int scale = std::max({min->scale, max->scale, step.scale});
  const std::int64_t lo = rescale(*min, scale);
  const std::int64_t hi = rescale(*max, scale);
  const std::int64_t delta = rescale(step, scale);
  if (lo > hi) {
    return make_error(fmt::format("-P/--parameter-scan {}: Empty parameter range ({} > {})", scan.name,
                                  scan.min, scan.max));
  }
  if (static_cast<std::uint64_t>((hi - lo) / delta) >= k_max_scan_values) {
    return make_error(fmt::format("-P/--parameter-scan {}: more than {} values", scan.name, k_max_scan_values));
  }
  // The first value is MIN as written; the next ones carry the scale of MIN and STEP, as a sum of
  // decimals does in hyperfine (0, 0.25, 0.50, 0.75, 1.00).
  std::vector<std::string> values{scan.min};
  const int sum_scale = std::max(min->scale, step.scale);
  for (std::int64_t v = lo + delta; v <= hi; v += delta) {
    values.push_back(format_decimal(v / pow10(scale - sum_scale), sum_scale));
  }
  return values;
}

Result<std::vector<ParameterValues>> parameter_combinations(const std::optional<ParameterScan>& scan,
                                                            const std::vector<ParameterList>& lists) {
  std::vector<ParameterList> all;
  if (scan) {
    ZKBENCH_TRY_ASSIGN(values, scan_values(*scan));
    all.push_back({scan->name, std::move(*values)});
  }
  all.insert(all.end(), lists.begin(), lists.end());

  std::set<std::string> seen;
  for (const ParameterList& list : all) {
    if (list.values.empty()) {
      return make_error(fmt::format("-L/--parameter-list {}: the list of values is empty", list.name));
    }
    if (!seen.insert(list.name).second) {
      return make_error(fmt::format("Duplicate parameter names: {} (given twice to -L/-P)", list.name));
    }
  }

  std::vector<ParameterValues> combinations{ParameterValues{}};
  // Each new parameter varies slower than the ones before it: append its values as the outer loop.
  for (const ParameterList& list : all) {
    std::vector<ParameterValues> next;
    next.reserve(combinations.size() * list.values.size());
    for (const std::string& value : list.values) {
      for (const ParameterValues& partial : combinations) {
        ParameterValues combined = partial;
        combined[list.name] = value;
        next.push_back(std::move(combined));
      }
    }
    combinations = std::move(next);
  }
  return combinations;
}

std::string substitute(const std::string& text, const ParameterValues& values) {
  std::string out = text;
  for (const auto& [name, value] : values) {
    const std::string token = "{" + name + "}";
    std::size_t pos = 0;
    while ((pos = out.find(token, pos)) != std::string::npos) {
      out.replace(pos, token.size(), value);
      pos += value.size();
    }
  }
  return out;
}

Result<std::vector<ExpandedCommand>> expand_commands(const std::vector<std::string>& commands,
                                                     const std::vector<std::string>& names,
                                                     const std::vector<ParameterValues>& combinations) {
  if (names.size() > commands.size()) {
    return make_error(
        fmt::format("Too many --command-name options: Expected {} at most", commands.size()));
  }
  std::vector<ExpandedCommand> out;
  for (const ParameterValues& values : combinations) {
    for (std::size_t i = 0; i < commands.size(); ++i) {
      ExpandedCommand expanded;
      expanded.source_index = i;
      expanded.command = substitute(commands[i], values);
      if (i < names.size()) {
        expanded.name = substitute(names[i], values);
      }
      expanded.parameters = values;
      out.push_back(std::move(expanded));
    }
  }
  return out;
}

} // namespace zkbench::measure
