#include "profile/text_rows.hpp"

#include <cctype>
#include <charconv>
#include <limits>

#include "util/strings.hpp"

namespace zkbench::profile {

namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::optional<int> parse_rank(std::string_view text) {
  if (text.size() < 2 || text.front() != '#') {
    return std::nullopt;
  }
  int rank = 0;
  const auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), rank);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return rank;
}

bool is_figure(std::string_view text) {
  return parse_count(text).has_value() || parse_percent(text).has_value();
}

} // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) {
      ++i;
    }
    if (i > start) {
      tokens.push_back(Token{text.substr(start, i - start), start});
    }
  }
  return tokens;
}

std::vector<std::string> split_ws(std::string_view text) {
  std::vector<std::string> words;
  for (const Token& token : tokenize(text)) {
    words.emplace_back(token.text);
  }
  return words;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front())) == 0 ||
      std::isdigit(static_cast<unsigned char>(text.back())) == 0) {
    return std::nullopt;
  }
  constexpr std::uint64_t k_max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ',') {
      // a separator only between digits: "1,,2" is not a number
      if (text[i - 1] == ',') {
        return std::nullopt;
      }
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (k_max - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

std::optional<double> parse_percent(std::string_view text) {
  if (text.size() < 2 || text.back() != '%') {
    return std::nullopt;
  }
  const std::string_view number = text.substr(0, text.size() - 1);
  if (std::isdigit(static_cast<unsigned char>(number.front())) == 0) {
    return std::nullopt;
  }
  const auto value = util::parse_number(number);
  if (!value) {
    return std::nullopt;
  }
  return *value / 100.0;
}

std::optional<LabelRow> parse_label_row(std::string_view text) {
  const auto tokens = tokenize(text);
  LabelRow row;
  for (const Token& token : tokens) {
    if (auto value = parse_count(token.text)) {
      if (row.label.empty()) {
        return std::nullopt;
      }
      row.value = *value;
      return row;
    }
    if (is_figure(token.text) || std::isalpha(static_cast<unsigned char>(token.text.front())) == 0) {
      return std::nullopt;
    }
    row.label += row.label.empty() ? "" : " ";
    row.label += token.text;
  }
  return std::nullopt;
}

std::optional<NamedRow> parse_function_row(std::string_view text, std::optional<bool> has_calls) {
  const auto tokens = tokenize(text);
  std::vector<std::uint64_t> counts;
  std::size_t i = 0;
  for (; i < tokens.size() && is_figure(tokens[i].text); ++i) {
    if (auto count = parse_count(tokens[i].text)) {
      counts.push_back(*count);
    }
  }
  if (counts.empty() || i == tokens.size()) {
    return std::nullopt;
  }
  NamedRow row;
  row.name = std::string(util::trim(text.substr(tokens[i].offset)));
  row.value = counts[0];
  const bool calls = has_calls.value_or(counts.size() >= 2);
  if (calls) {
    if (counts.size() < 2) {
      return std::nullopt;
    }
    row.calls = counts[1];
  }
  return row;
}

std::optional<NamedRow> parse_box_function_row(std::string_view text) {
  const auto tokens = tokenize(text);
  if (tokens.size() < 4 || !parse_count(tokens[0].text) || !parse_percent(tokens.back().text)) {
    return std::nullopt;
  }
  const Token& value = tokens[tokens.size() - 2];
  const auto count = parse_count(value.text);
  if (!count) {
    return std::nullopt;
  }
  NamedRow row;
  row.name = std::string(util::trim(text.substr(tokens[1].offset, value.offset - tokens[1].offset)));
  row.value = *count;
  return row;
}

std::optional<NamedRow> parse_caller_row(std::string_view text) {
  auto row = parse_function_row(text, true);
  if (!row) {
    return std::nullopt;
  }
  std::swap(row->value, *row->calls);
  return row;
}

std::optional<OpcodeCost> parse_opcode_row(std::string_view text, bool frop) {
  const auto tokens = tokenize(text);
  if (tokens.size() < 4 || (tokens[0].text != "OP" && tokens[0].text != "FROP")) {
    return std::nullopt;
  }
  OpcodeCost row;
  row.name = std::string(tokens[1].text);
  std::vector<std::uint64_t> counts;
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    const std::string_view token = tokens[i].text;
    if (auto count = parse_count(token)) {
      counts.push_back(*count);
    } else if (auto percent = parse_percent(token)) {
      if (frop && counts.size() == 1 && !row.hit_fraction) {
        row.hit_fraction = *percent;
      }
    } else if (auto rank = parse_rank(token)) {
      row.rank = *rank;
    } else {
      return std::nullopt;
    }
  }
  if (counts.size() != 2) {
    return std::nullopt;
  }
  row.count = counts[0];
  row.cost = counts[1];
  return row;
}

std::optional<OpcodeCost> parse_box_opcode_row(std::string_view text) {
  const auto tokens = tokenize(text);
  if (tokens.size() < 2 || tokens[0].text == "Total" || is_figure(tokens[0].text)) {
    return std::nullopt;
  }
  const auto cost = parse_count(tokens[1].text);
  if (!cost) {
    return std::nullopt;
  }
  OpcodeCost row;
  row.name = std::string(tokens[0].text);
  row.cost = *cost;
  return row;
}

} // namespace zkbench::profile
