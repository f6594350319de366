#include "provers/cargo_patches.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace zkbench::provers {

namespace {

// A tiny TOML reader: enough for Cargo.toml's [patch.*] and Cargo.lock. Values are kept as text
// (strings unquoted); inline tables become a key -> text map; arrays are skipped.
class TomlCursor {
public:
  TomlCursor(std::string_view text, std::string_view file) : m_text(text), m_file(file) {}

  bool at_end() {
    skip_blank_lines();
    return m_pos >= m_text.size();
  }
  int line() const { return m_line; }
  tl::unexpected<Error> error(std::string_view what) const {
    return make_error(fmt::format("{}:{}: {}", m_file, m_line, what));
  }

  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  void skip_spaces() {
    while (peek() == ' ' || peek() == '\t') {
      ++m_pos;
    }
  }
  void skip_blank_lines() {
    while (m_pos < m_text.size()) {
      skip_spaces();
      if (peek() == '#') {
        while (m_pos < m_text.size() && peek() != '\n') {
          ++m_pos;
        }
      }
      if (peek() == '\r') {
        ++m_pos;
      }
      if (peek() == '\n') {
        ++m_pos;
        ++m_line;
        continue;
      }
      return;
    }
  }
  // Whitespace, newlines and comments, for inside arrays.
  void skip_any_space() { skip_blank_lines(); }

  bool consume(char c) {
    if (peek() == c) {
      ++m_pos;
      return true;
    }
    return false;
  }

  Result<std::string> string() {
    const char quote = peek();
    ++m_pos;
    std::string out;
    while (m_pos < m_text.size() && peek() != quote) {
      char c = m_text[m_pos++];
      if (c == '\n') {
        return error("newline inside a string");
      }
      if (quote == '"' && c == '\\' && m_pos < m_text.size()) {
        const char escaped = m_text[m_pos++];
        c = escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
      }
      out.push_back(c);
    }
    if (!consume(quote)) {
      return error("unterminated string");
    }
    return out;
  }

  // key or dotted.key; quoted parts allowed.
  Result<std::vector<std::string>> key() {
    std::vector<std::string> parts;
    while (true) {
      skip_spaces();
      if (peek() == '"' || peek() == '\'') {
        ZKBENCH_TRY_ASSIGN(part, string());
        parts.push_back(*part);
      } else {
        std::string part;
        while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '_') {
          part.push_back(m_text[m_pos++]);
        }
        if (part.empty()) {
          return error("expected a key");
        }
        parts.push_back(part);
      }
      skip_spaces();
      if (!consume('.')) {
        return parts;
      }
    }
  }

  // A value: string, inline table (flattened into `table`), array (skipped), or a bare word.
  Result<std::string> value(std::map<std::string, std::string>* table) {
    skip_spaces();
    if (peek() == '"' || peek() == '\'') {
      if (m_text.substr(m_pos, 3) == "\"\"\"" || m_text.substr(m_pos, 3) == "'''") {
        return error("multi-line strings are not supported here");
      }
      return string();
    }
    if (consume('{')) {
      while (true) {
        skip_spaces();
        if (consume('}')) {
          return std::string("{table}");
        }
        ZKBENCH_TRY_ASSIGN(k, key());
        skip_spaces();
        if (!consume('=')) {
          return error("expected '=' in inline table");
        }
        ZKBENCH_TRY_ASSIGN(v, value(nullptr));
        if (table != nullptr) {
          (*table)[util::join(*k, ".")] = *v;
        }
        skip_spaces();
        if (!consume(',') && peek() != '}') {
          return error("expected ',' or '}' in inline table");
        }
      }
    }
    if (consume('[')) {
      int depth = 1;
      while (m_pos < m_text.size() && depth > 0) {
        skip_any_space();
        const char c = peek();
        if (c == '"' || c == '\'') {
          ZKBENCH_TRY(string());
          continue;
        }
        depth += c == '[' ? 1 : c == ']' ? -1 : 0;
        ++m_pos;
      }
      if (depth != 0) {
        return error("unterminated array");
      }
      return std::string("[array]");
    }
    std::string word;
    while (m_pos < m_text.size() && peek() != '\n' && peek() != ',' && peek() != '}' &&
           peek() != '#') {
      word.push_back(m_text[m_pos++]);
    }
    word = std::string(util::trim(word));
    if (word.empty()) {
      return error("expected a value");
    }
    return word;
  }

  bool end_of_line() {
    skip_spaces();
    if (peek() == '#') {
      while (m_pos < m_text.size() && peek() != '\n') {
        ++m_pos;
      }
    }
    return peek() == '\n' || peek() == '\r' || m_pos >= m_text.size();
  }

private:
  std::string_view m_text;
  std::string_view m_file;
  std::size_t m_pos = 0;
  int m_line = 1;
};

// One statement: a [table], [[array of tables]], or key = value (with inline-table contents).
struct Statement {
  enum class Kind { table, array_table, pair } kind = Kind::pair;
  std::vector<std::string> path; // table path, or the key
  std::string value;
  std::map<std::string, std::string> inline_table;
};

Result<std::vector<Statement>> parse_statements(std::string_view text, std::string_view file) {
  TomlCursor cursor(text, file);
  std::vector<Statement> out;
  while (!cursor.at_end()) {
    Statement st;
    if (cursor.consume('[')) {
      const bool array = cursor.consume('[');
      ZKBENCH_TRY_ASSIGN(path, cursor.key());
      if (!cursor.consume(']') || (array && !cursor.consume(']'))) {
        return cursor.error("expected ']' after the table name");
      }
      st.kind = array ? Statement::Kind::array_table : Statement::Kind::table;
      st.path = std::move(*path);
    } else {
      ZKBENCH_TRY_ASSIGN(k, cursor.key());
      cursor.skip_spaces();
      if (!cursor.consume('=')) {
        return cursor.error("expected '=' after key");
      }
      ZKBENCH_TRY_ASSIGN(v, cursor.value(&st.inline_table));
      st.path = std::move(*k);
      st.value = std::move(*v);
    }
    if (!cursor.end_of_line()) {
      return cursor.error("unexpected text after the value");
    }
    out.push_back(std::move(st));
  }
  return out;
}

} // namespace

std::string CratePatch::describe() const {
  std::string text;
  for (const char* key : {"git", "path", "version", "tag", "branch", "rev"}) {
    if (const auto it = spec.find(key); it != spec.end()) {
      text += (text.empty() ? "" : " ") + std::string(key) + " " + it->second;
    }
  }
  return text;
}

Result<std::vector<CratePatch>> parse_cargo_patches(std::string_view cargo_toml) {
  ZKBENCH_TRY_ASSIGN(statements, parse_statements(cargo_toml, "Cargo.toml"));
  std::vector<CratePatch> patches;
  std::vector<std::string> table;
  CratePatch* current = nullptr; // for [patch.crates-io.sha2] tables
  for (Statement& st : *statements) {
    if (st.kind != Statement::Kind::pair) {
      table = st.path;
      current = nullptr;
      if (st.kind == Statement::Kind::table && table.size() == 3 && table[0] == "patch") {
        patches.push_back(CratePatch{table[1], table[2], table[2], {}});
        current = &patches.back();
      }
      continue;
    }
    if (current != nullptr) {
      current->spec[util::join(st.path, ".")] = st.value;
    } else if (table.size() == 2 && table[0] == "patch") {
      CratePatch patch{table[1], st.path.front(), st.path.front(), {}};
      if (st.path.size() > 1) { // sha2.git = "…"
        auto existing = std::find_if(patches.begin(), patches.end(), [&](const CratePatch& p) {
          return p.registry == table[1] && p.name == st.path.front();
        });
        if (existing == patches.end()) {
          patches.push_back(patch);
          existing = patches.end() - 1;
        }
        existing->spec[st.path[1]] = st.value;
        continue;
      }
      patch.spec = std::move(st.inline_table);
      if (patch.spec.empty()) {
        patch.spec["version"] = st.value;
      }
      patches.push_back(std::move(patch));
    }
  }
  for (CratePatch& patch : patches) {
    if (const auto it = patch.spec.find("package"); it != patch.spec.end()) {
      patch.package = it->second;
    }
  }
  return patches;
}

Result<LockFile> parse_cargo_lock(std::string_view cargo_lock) {
  ZKBENCH_TRY_ASSIGN(statements, parse_statements(cargo_lock, "Cargo.lock"));
  LockFile lock;
  LockedPackage* current = nullptr;
  for (const Statement& st : *statements) {
    if (st.kind == Statement::Kind::array_table) {
      const std::string name = util::join(st.path, ".");
      if (name == "package") {
        lock.packages.emplace_back();
        current = &lock.packages.back();
      } else if (name == "patch.unused") {
        lock.unused_patches.emplace_back();
        current = &lock.unused_patches.back();
      } else {
        current = nullptr;
      }
      continue;
    }
    if (st.kind == Statement::Kind::table) {
      current = nullptr;
      continue;
    }
    if (current == nullptr || st.path.size() != 1) {
      continue;
    }
    if (st.path[0] == "name") {
      current->name = st.value;
    } else if (st.path[0] == "version") {
      current->version = st.value;
    } else if (st.path[0] == "source") {
      current->source = st.value;
    }
  }
  return lock;
}

const char* to_string(PatchState state) {
  switch (state) {
  case PatchState::applied:
    return "applied";
  case PatchState::unused:
    return "unused";
  case PatchState::not_used:
    return "not a dependency";
  case PatchState::overridden:
    return "not applied";
  }
  return "unknown";
}

std::vector<PatchStatus> patch_status(const std::vector<CratePatch>& patches, const LockFile& lock) {
  // A git source in the lock reads "git+<url>?tag=…#sha" (or "git+<url>#sha"); compare URLs without
  // a trailing ".git" or "/" so either spelling in Cargo.toml matches.
  const auto normalize = [](std::string url) {
    if (const auto cut = url.find_first_of("?#"); cut != std::string::npos) {
      url.resize(cut);
    }
    while (!url.empty() && url.back() == '/') {
      url.pop_back();
    }
    if (util::ends_with(url, ".git")) {
      url.resize(url.size() - 4);
    }
    return url;
  };
  std::vector<PatchStatus> out;
  for (const CratePatch& patch : patches) {
    PatchStatus status;
    status.patch = patch;
    for (const LockedPackage& unused : lock.unused_patches) {
      if (unused.name == patch.package) {
        status.state = PatchState::unused;
        status.resolved.push_back(unused);
      }
    }
    if (status.state == PatchState::unused) {
      out.push_back(std::move(status));
      continue;
    }
    const auto git = patch.spec.find("git");
    const bool is_path = patch.spec.count("path") != 0;
    bool applied = false;
    for (const LockedPackage& package : lock.packages) {
      if (package.name != patch.package) {
        continue;
      }
      status.resolved.push_back(package);
      if (git != patch.spec.end() && util::starts_with(package.source, "git+") &&
          normalize(package.source.substr(4)) == normalize(git->second)) {
        applied = true;
      }
      if (is_path && package.source.empty()) {
        applied = true;
      }
      if (git == patch.spec.end() && !is_path) {
        applied = true; // a version-only patch of another registry: resolved is all we can say
      }
    }
    status.state = applied                    ? PatchState::applied
                   : status.resolved.empty() ? PatchState::not_used
                                              : PatchState::overridden;
    out.push_back(std::move(status));
  }
  return out;
}

} // namespace zkbench::provers
