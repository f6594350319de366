#include "project/command_template.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "project/config.hpp"
#include "project/inputs.hpp"

namespace zkbench::project {

namespace {

bool is_safe_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
}

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

/// Visits each placeholder: `on_text` gets literal runs, `on_name` each placeholder name.
template <typename OnText, typename OnName>
void scan(std::string_view text, OnText on_text, OnName on_name) {
  std::size_t literal_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // `${x}` is the shell's, not ours.
    if (text[i] != '{' || (i > 0 && text[i - 1] == '$')) {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    if (j < text.size() && is_name_start(text[j])) {
      while (j < text.size() && is_name_char(text[j])) {
        ++j;
      }
      if (j < text.size() && text[j] == '}') {
        on_text(text.substr(literal_start, i - literal_start));
        on_name(text.substr(i + 1, j - i - 1));
        i = j + 1;
        literal_start = i;
        continue;
      }
    }
    ++i;
  }
  on_text(text.substr(literal_start));
}

} // namespace

std::string shell_quote(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_safe_char)) {
    return std::string(text);
  }
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::vector<std::string> placeholders_in(std::string_view text) {
  std::vector<std::string> names;
  scan(
      text, [](std::string_view) {},
      [&](std::string_view name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
          names.emplace_back(name);
        }
      });
  return names;
}

Result<std::string> expand(std::string_view text, const Placeholders& values) {
  std::string out;
  std::string missing;
  scan(
      text, [&](std::string_view literal) { out += literal; },
      [&](std::string_view name) {
        const auto it = values.find(std::string(name));
        if (it == values.end()) {
          if (missing.empty()) {
            missing = name;
          }
          return;
        }
        out += shell_quote(it->second);
      });
  if (!missing.empty()) {
    return make_error("unknown placeholder {" + missing + "} in '" + std::string(text) + "'");
  }
  return out;
}

Result<std::string> expand_word(std::string_view text, const Placeholders& values) {
  ZKBENCH_TRY_ASSIGN(expanded, expand(text, values));
  // expand() quotes for the shell; a path is one word, so undo the quoting of plain values only.
  std::string word = std::move(*expanded);
  if (word.size() >= 2 && word.front() == '\'' && word.back() == '\'') {
    word = word.substr(1, word.size() - 2);
  }
  return word;
}

std::string substitute(std::string_view text, const Placeholders& values) {
  std::string expanded(text);
  for (const auto& [key, value] : values) {
    for (std::size_t at = expanded.find("{" + key + "}"); at != std::string::npos;
         at = expanded.find("{" + key + "}", at + value.size())) {
      expanded.replace(at, key.size() + 2, value);
    }
  }
  return expanded;
}

Placeholders placeholders_for(const ProjectConfig& config, const InputSpec& input, const std::filesystem::path& out) {
  Placeholders values = config.vars;
  values["input"] = input.path.string();
  values["input_name"] = input.name;
  values["out"] = out.string();
  return values;
}

Result<std::string> generator_command(const InputSpec& input) {
  if (!input.generate) {
    return make_error("input '" + input.name + "' is a file, not generated");
  }
  return expand(input.generate->command,
                Placeholders{{"seed", fmt::format("{}", input.generate->seed)}, {"output", input.path.string()}});
}

ProfilerCommand expand_profiler(const ProfileConfig& profiler, const Placeholders& values) {
  ProfilerCommand expanded{profiler.zkvm, expand(profiler.command, values), std::nullopt};
  if (!profiler.output.empty()) {
    expanded.output = expand_word(profiler.output, values);
  }
  return expanded;
}

} // namespace zkbench::project
