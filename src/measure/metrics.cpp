#include "measure/metrics.hpp"

#include <cctype>

#include <fmt/format.h>
#include <re2/re2.h>

#include "util/strings.hpp"

namespace zkbench::measure {
namespace {

struct NameAndValue {
  std::string_view name;
  std::string_view value;
};

Result<NameAndValue> split_argument(std::string_view argument, const char* option, const char* value_kind) {
  const std::size_t eq = argument.find('=');
  if (eq == std::string_view::npos) {
    return make_error(fmt::format("{} '{}': expected NAME={}", option, argument, value_kind));
  }
  const std::string_view name = argument.substr(0, eq);
  if (!is_valid_metric_name(name)) {
    return make_error(fmt::format(
        "{} '{}': invalid name '{}' (use letters, digits, '_', '-', '.', starting with a letter or '_')",
        option, argument, name));
  }
  return NameAndValue{name, argument.substr(eq + 1)};
}

} // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_')) {
    return false;
  }
  for (const char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

Result<MetricSpec> parse_metric_spec(std::string_view argument) {
  ZKBENCH_TRY_ASSIGN(parts, split_argument(argument, "--metric", "REGEX"));
  RE2::Options re_options;
  re_options.set_log_errors(false);
  auto regex = std::make_shared<const re2::RE2>(re2::StringPiece(parts->value.data(), parts->value.size()),
                                                re_options);
  if (!regex->ok()) {
    return make_error(fmt::format("--metric '{}': invalid regular expression: {}", argument, regex->error()));
  }
  if (regex->NumberOfCapturingGroups() != 1) {
    return make_error(fmt::format(
        "--metric '{}': the regular expression needs exactly one capture group (the number), it has {}",
        argument, regex->NumberOfCapturingGroups()));
  }
  return MetricSpec{std::string(parts->name), std::string(parts->value), std::move(regex)};
}

Result<MetricFileSpec> parse_metric_file_spec(std::string_view argument) {
  ZKBENCH_TRY_ASSIGN(parts, split_argument(argument, "--metric-file", "PATH"));
  if (parts->value.empty()) {
    return make_error(fmt::format("--metric-file '{}': the path is empty", argument));
  }
  return MetricFileSpec{std::string(parts->name), std::filesystem::path(parts->value)};
}

std::optional<double> extract_metric(const MetricSpec& spec, std::string_view output) {
  if (!spec.regex) {
    return std::nullopt;
  }
  std::optional<double> last;
  const re2::StringPiece text(output.data(), output.size());
  std::size_t position = 0;
  re2::StringPiece match[2];
  while (position <= text.size() &&
         spec.regex->Match(text, position, text.size(), RE2::UNANCHORED, match, 2)) {
    if (match[1].data() != nullptr) {
      if (auto value = util::parse_number(std::string_view(match[1].data(), match[1].size()))) {
        last = value;
      }
    }
    const auto match_end = static_cast<std::size_t>(match[0].data() - text.data()) + match[0].size();
    // An empty match would match again at the same place: step over one character.
    position = match[0].empty() ? match_end + 1 : match_end;
  }
  return last;
}

std::optional<double> measure_metric_file(const MetricFileSpec& spec,
                                          const std::optional<std::filesystem::path>& base_dir) {
  const std::filesystem::path path =
      base_dir && spec.path.is_relative() ? *base_dir / spec.path : spec.path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return std::nullopt;
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return std::nullopt;
  }
  return static_cast<double>(size);
}

std::map<std::string, std::optional<double>> collect_metrics(
    const std::vector<MetricSpec>& specs, const std::vector<MetricFileSpec>& file_specs,
    std::string_view output, const std::optional<std::filesystem::path>& base_dir) {
  std::map<std::string, std::optional<double>> values;
  for (const auto& spec : specs) {
    values[spec.name] = extract_metric(spec, output);
  }
  for (const auto& spec : file_specs) {
    values[spec.name] = measure_metric_file(spec, base_dir);
  }
  return values;
}

} // namespace zkbench::measure
