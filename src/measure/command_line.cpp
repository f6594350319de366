#include "measure/command_line.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace zkbench::measure {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Words that mean something to the shell when they come first: keywords, and builtins that exist
// only inside a shell (there is no /usr/bin/cd). `true`, `false`, `test`, `echo` and `[` are programs
// too and run directly. The list follows GNU make's fast path (job.c, sh_cmds), reduced to POSIX sh.
constexpr std::array k_shell_words = {
    "!",      ".",      ":",     "alias",  "bg",     "break", "case",  "cd",       "command",
    "continue", "do",   "done",  "elif",   "else",   "esac",  "eval",  "exec",     "exit",
    "export", "fc",     "fg",    "fi",     "for",    "getopts", "hash", "if",      "in",
    "jobs",   "read",   "readonly", "return", "set", "shift", "source", "then",    "times",
    "trap",   "type",   "ulimit", "umask", "unalias", "unset", "until", "wait",    "while",
    "{",      "}",
};

bool is_shell_word(std::string_view word) {
  for (const char* candidate : k_shell_words) {
    if (word == candidate) {
      return true;
    }
  }
  return false;
}

// `A=1 cmd`: the first word starts with NAME= (unquoted).
bool is_assignment(std::string_view word) {
  if (word.empty() || !is_name_start(word[0])) {
    return false;
  }
  for (std::size_t i = 1; i < word.size(); ++i) {
    if (word[i] == '=') {
      return true;
    }
    if (!is_name_char(word[i])) {
      return false;
    }
  }
  return false;
}

// Characters that are syntax when unquoted anywhere in a word.
bool is_unquoted_syntax(char c) {
  switch (c) {
  case '|': case '&': case ';': case '<': case '>': case '(': case ')': case '$': case '`':
  case '*': case '?': case '[': case '\n':
    return true;
  default:
    return false;
  }
}

} // namespace

bool has_shell_syntax(std::string_view command) {
  std::size_t i = 0;
  const std::size_t n = command.size();
  bool first_word = true;
  while (i < n) {
    while (i < n && (command[i] == ' ' || command[i] == '\t')) {
      ++i;
    }
    if (i >= n) {
      break;
    }
    const std::size_t word_start = i;
    if (command[i] == '~' || command[i] == '#') {
      return true;
    }
    std::string raw_word; // the word's unquoted prefix, for the first-word checks
    bool quoted = false;
    while (i < n && command[i] != ' ' && command[i] != '\t') {
      const char c = command[i];
      if (is_unquoted_syntax(c)) {
        return true;
      }
      if (c == '\\') {
        quoted = true;
        i += 2;
        continue;
      }
      if (c == '\'') {
        quoted = true;
        const std::size_t close = command.find('\'', i + 1);
        if (close == std::string_view::npos) {
          return false; // unterminated: split_words reports it
        }
        i = close + 1;
        continue;
      }
      if (c == '"') {
        quoted = true;
        ++i;
        while (i < n && command[i] != '"') {
          if (command[i] == '$' || command[i] == '`') {
            return true;
          }
          i += command[i] == '\\' ? 2 : 1;
        }
        if (i >= n) {
          return false; // unterminated: split_words reports it
        }
        ++i;
        continue;
      }
      if (!quoted) {
        raw_word.push_back(c);
      }
      ++i;
    }
    if (first_word) {
      const std::string_view word = command.substr(word_start, std::min(i, n) - word_start);
      if (is_assignment(raw_word) || (!quoted && is_shell_word(word))) {
        return true;
      }
      first_word = false;
    }
  }
  return false;
}

Result<std::vector<std::string>> split_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  std::size_t i = 0;
  const std::size_t n = command.size();
  const auto unterminated = [&](const char* kind, std::size_t column) {
    return make_error(fmt::format("unterminated {} quote starting at column {} of: {}", kind,
                                  column + 1, command));
  };
  while (i < n) {
    const char c = command[i];
    if (is_blank(c)) {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      ++i;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= n) {
        word.push_back('\\'); // a trailing backslash has nothing to escape: keep it
        in_word = true;
        ++i;
      } else if (command[i + 1] == '\n') {
        i += 2; // line continuation
      } else {
        word.push_back(command[i + 1]);
        in_word = true;
        i += 2;
      }
      continue;
    }
    if (c == '\'') {
      const std::size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return unterminated("single", i);
      }
      word.append(command.substr(i + 1, close - i - 1));
      in_word = true;
      i = close + 1;
      continue;
    }
    if (c == '"') {
      const std::size_t open = i;
      ++i;
      while (i < n && command[i] != '"') {
        if (command[i] == '\\' && i + 1 < n) {
          const char next = command[i + 1];
          if (next == '$' || next == '`' || next == '"' || next == '\\') {
            word.push_back(next);
            i += 2;
            continue;
          }
          if (next == '\n') {
            i += 2;
            continue;
          }
        }
        word.push_back(command[i]);
        ++i;
      }
      if (i >= n) {
        return unterminated("double", open);
      }
      in_word = true;
      ++i;
      continue;
    }
    word.push_back(c);
    in_word = true;
    ++i;
  }
  if (in_word) {
    words.push_back(std::move(word));
  }
  return words;
}

} // namespace zkbench::measure
