#include "store/statement_name.hpp"

#include <cctype>
#include <vector>

namespace zkbench::store {

namespace {

std::string upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

} // namespace

std::string statement_name(std::string_view sql) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < sql.size()) {
    const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    while (at < sql.size() && !is_word(sql[at])) {
      ++at;
    }
    const std::size_t start = at;
    while (at < sql.size() && is_word(sql[at])) {
      ++at;
    }
    if (at > start) {
      words.push_back(sql.substr(start, at - start));
    }
  }
  if (words.empty()) {
    return "an empty statement";
  }
  const std::string verb = upper(words.front());
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string word = upper(words[i]);
    if (word != "FROM" && word != "INTO" && word != "UPDATE" && word != "TABLE") {
      continue;
    }
    std::size_t table = i + 1;
    while (table < words.size() && (upper(words[table]) == "IF" || upper(words[table]) == "NOT" ||
                                    upper(words[table]) == "EXISTS" || upper(words[table]) == "OR")) {
      ++table; // CREATE TABLE IF NOT EXISTS t, UPDATE OR REPLACE t
    }
    if (table < words.size()) {
      return (word == verb ? verb : verb + " " + word) + " " + std::string(words[table]);
    }
  }
  return words.size() > 1 ? verb + " " + std::string(words[1]) : verb;
}

} // namespace zkbench::store
