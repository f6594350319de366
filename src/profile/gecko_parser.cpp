#include "profile/gecko_parser.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "profile/stack_totals.hpp"

namespace zkbench::profile {
namespace {

using json = nlohmann::json;

// Where a JSON container sits in the profile; decides what its values mean. Everything not listed is
// `ignored` (markers, libs, counters...), including look-alike keys nested inside markers' payloads.
enum class Role : std::uint8_t {
  ignored, root, meta, threads, processes, process, thread, shared,
  samples, samples_schema, samples_data, samples_row, column, table, table_schema, table_data, table_row,
  strings
};

// Raw-format rows keep their first k_row_columns cells; the columns zkbench reads are among them in every
// Gecko version (prefix 0, frame 1; location 0).
constexpr std::size_t k_row_columns = 8;
constexpr std::int64_t k_absent = -1;
// Stack indices below this are counted in a vector; larger (rare, or hostile) ones in a hash map.
constexpr std::int64_t k_dense_stacks = std::int64_t{1} << 22;

struct RawTable {
  std::vector<std::pair<std::string, std::int64_t>> schema;
  std::vector<std::int64_t> cells; // k_row_columns per row
  std::size_t rows = 0;

  std::int64_t column(std::string_view name, std::int64_t fallback) const {
    for (const auto& [key, index] : schema) {
      if (key == name) {
        return index;
      }
    }
    return fallback;
  }
  std::int64_t cell(std::size_t row, std::int64_t col) const {
    if (col < 0 || static_cast<std::size_t>(col) >= k_row_columns) {
      return k_absent;
    }
    return cells[row * k_row_columns + static_cast<std::size_t>(col)];
  }
};

// One thread's tables and sample counts, dropped when the thread's object ends.
struct ThreadData {
  std::string name;
  // raw format
  RawTable stack_table;
  RawTable frame_table;
  std::int64_t stack_column = 0;
  std::int64_t weight_column = k_absent;
  std::int64_t sample_rows = 0;
  // processed format: column arrays
  std::vector<std::int64_t> stack_prefix, stack_frame, frame_func, func_name, sample_stack, sample_weight;
  bool processed = false;
  std::vector<std::string> strings;
  // samples per stack index (raw format); weight of samples without a stack
  std::vector<std::int64_t> dense_counts;
  std::unordered_map<std::int64_t, std::int64_t> sparse_counts;
  std::int64_t stackless = 0;

  void count(std::int64_t stack, std::int64_t weight) {
    if (stack < 0) {
      stackless = wrapping_add(stackless, weight);
    } else if (stack < k_dense_stacks) {
      const auto index = static_cast<std::size_t>(stack);
      if (index >= dense_counts.size()) {
        dense_counts.resize(std::max(index + 1, dense_counts.size() * 2), 0);
      }
      dense_counts[index] = wrapping_add(dense_counts[index], weight);
    } else {
      auto& slot = sparse_counts[stack];
      slot = wrapping_add(slot, weight);
    }
  }
};

struct Node {
  Role role = Role::ignored;
  std::int64_t index = 0;                // next element index (arrays)
  std::vector<std::int64_t>* column = nullptr; // Role::column target
  RawTable* table = nullptr;             // Role::table / table_schema / table_data / table_row
  std::string_view table_name;           // "stackTable", "frameTable", "funcTable"
};

// Old Gecko profiles embed subprocess profiles as JSON strings in `threads`; they nest at most this deep.
constexpr int k_max_embedded_depth = 4;

class GeckoHandler : public json::json_sax_t {
public:
  GeckoHandler(StackTotals& totals, int depth) : m_totals(totals), m_depth(depth) {}

  /// Lets the handler read raw-format samples.data rows straight from `input` (the stream nlohmann reads),
  /// bypassing the generic lexer for the bulk of the file. Without it every row goes through SAX events.
  void set_fast_input(std::streambuf* input) { m_fast_input = input; }

  bool null() override { return scalar(k_absent, true); }
  bool boolean(bool) override { return scalar(k_absent, false); }
  bool number_integer(json::number_integer_t value) override { return scalar(value, false); }
  bool number_unsigned(json::number_unsigned_t value) override {
    const bool fits = value <= static_cast<json::number_unsigned_t>(std::numeric_limits<std::int64_t>::max());
    return scalar(fits ? static_cast<std::int64_t>(value) : k_absent, false);
  }
  bool number_float(json::number_float_t value, const std::string&) override {
    // Integral floats ("12.0", as serde writes f64 weights) count as integers; others are not indices.
    const bool integral = std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 9e18;
    return scalar(integral ? static_cast<std::int64_t>(value) : k_absent, false);
  }
  bool string(std::string& value) override;
  bool binary(json::binary_t&) override { return scalar(k_absent, false); }
  bool start_object(std::size_t) override;
  bool key(std::string& key) override {
    m_key = key;
    return true;
  }
  bool end_object() override;
  bool start_array(std::size_t) override;
  bool end_array() override;
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    m_error = fmt::format("invalid JSON at byte {}: {}", position, ex.what());
    return false;
  }

  const std::string& error() const { return m_error; }
  std::size_t threads() const { return m_threads; }
  std::string version() const {
    if (m_processed_version) {
      return fmt::format("gecko processed {}", *m_processed_version);
    }
    return m_meta_version ? fmt::format("gecko meta {}", *m_meta_version) : "gecko";
  }

private:
  Role parent_role() const { return m_stack.empty() ? Role::ignored : m_stack.back().role; }
  bool fail(std::string message) {
    m_error = std::move(message);
    return false;
  }
  // The role of a container (or scalar) that starts now, from its parent and key; also sets `node`'s
  // pointers.
  Role classify(bool is_array, Node& node);
  bool scalar(std::int64_t value, bool is_null);
  bool end_container();
  bool finish_thread();
  bool parse_embedded(const std::string& text);
  bool read_rows_fast();
  bool read_cell_fast(std::int64_t& value, bool wanted);
  Result<std::int64_t> function_of_frame(std::int64_t frame, std::vector<std::int64_t>& cache);

  std::vector<Node> m_stack;
  std::string m_key;
  std::string m_error;
  std::optional<ThreadData> m_thread;
  std::vector<std::string> m_shared_strings;
  std::vector<std::int64_t> m_row_cells; // cells of the samples row being read
  std::optional<std::int64_t> m_meta_version;
  std::optional<std::int64_t> m_processed_version;
  std::size_t m_threads = 0;
  std::streambuf* m_fast_input = nullptr;
  StackTotals& m_totals;
  int m_depth = 0;
};

Role GeckoHandler::classify(bool is_array, Node& node) {
  if (m_stack.empty()) {
    return is_array ? Role::ignored : Role::root;
  }
  const Node& parent = m_stack.back();
  switch (parent.role) {
  case Role::root:
  case Role::process:
    if (m_key == "threads" && is_array) {
      return Role::threads;
    }
    if (m_key == "processes" && is_array) {
      return Role::processes;
    }
    if (m_key == "meta" && !is_array && parent.role == Role::root) {
      return Role::meta;
    }
    if (m_key == "shared" && !is_array && parent.role == Role::root) {
      return Role::shared;
    }
    return Role::ignored;
  case Role::threads:
    return is_array ? Role::ignored : Role::thread;
  case Role::processes:
    return is_array ? Role::ignored : Role::process;
  case Role::shared:
    return (is_array && m_key == "stringArray") ? Role::strings : Role::ignored;
  case Role::thread:
    if (m_key == "samples" && !is_array) {
      return Role::samples;
    }
    if ((m_key == "stackTable" || m_key == "frameTable" || m_key == "funcTable") && !is_array) {
      node.table_name = m_key == "stackTable" ? "stackTable" : m_key == "frameTable" ? "frameTable" : "funcTable";
      node.table = m_key == "stackTable" ? &m_thread->stack_table
                   : m_key == "frameTable" ? &m_thread->frame_table : nullptr;
      return Role::table;
    }
    if ((m_key == "stringTable" || m_key == "stringArray") && is_array) {
      return Role::strings;
    }
    return Role::ignored;
  case Role::samples:
    if (m_key == "schema" && !is_array) {
      return Role::samples_schema;
    }
    if (m_key == "data" && is_array) {
      return Role::samples_data;
    }
    if (is_array && (m_key == "stack" || m_key == "weight")) {
      m_thread->processed = true;
      node.column = m_key == "stack" ? &m_thread->sample_stack : &m_thread->sample_weight;
      return Role::column;
    }
    return Role::ignored;
  case Role::samples_data:
    return is_array ? Role::samples_row : Role::ignored;
  case Role::table:
    node.table = parent.table;
    node.table_name = parent.table_name;
    if (m_key == "schema" && !is_array && parent.table != nullptr) {
      return Role::table_schema;
    }
    if (m_key == "data" && is_array && parent.table != nullptr) {
      return Role::table_data;
    }
    if (is_array) {
      ThreadData& t = *m_thread;
      std::vector<std::int64_t>* target = nullptr;
      if (parent.table_name == "stackTable") {
        target = m_key == "prefix" ? &t.stack_prefix : m_key == "frame" ? &t.stack_frame : nullptr;
      } else if (parent.table_name == "frameTable") {
        target = m_key == "func" ? &t.frame_func : nullptr;
      } else {
        target = m_key == "name" ? &t.func_name : nullptr;
      }
      if (target != nullptr) {
        t.processed = true;
        node.column = target;
        return Role::column;
      }
    }
    return Role::ignored;
  case Role::table_data:
    node.table = parent.table;
    if (is_array) {
      parent.table->cells.resize(parent.table->cells.size() + k_row_columns, k_absent);
      ++parent.table->rows;
      return Role::table_row;
    }
    return Role::ignored;
  default:
    return Role::ignored;
  }
}

bool GeckoHandler::start_object(std::size_t) {
  Node node;
  node.role = classify(false, node);
  if (node.role == Role::thread) {
    m_thread.emplace();
  }
  if (!m_stack.empty()) {
    ++m_stack.back().index;
  }
  m_stack.push_back(node);
  return true;
}

bool GeckoHandler::start_array(std::size_t) {
  Node node;
  node.role = classify(true, node);
  if (!m_stack.empty()) {
    ++m_stack.back().index;
  }
  if (node.role == Role::samples_row) {
    m_row_cells.assign(2, k_absent);
  }
  m_stack.push_back(node);
  if (node.role == Role::samples_data && m_fast_input != nullptr) {
    return read_rows_fast();
  }
  return true;
}

// The samples of a 200 MB profile are millions of rows like [1234,5678.0,0.0]; nlohmann's lexer spends
// ~170 instructions per byte on them (token copies, strtod). This reads the rows directly from the stream
// nlohmann reads: it relies on the lexer having consumed exactly the '[' that opened samples.data (it
// reads no further before emitting begin_array) and stops before the closing ']', which the lexer then
// reads as end_array. Rows hold numbers, null, true or false; anything else is an error.
bool GeckoHandler::read_rows_fast() {
  std::streambuf& in = *m_fast_input;
  auto skip_space = [&] {
    int c = in.sgetc();
    while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      c = in.snextc();
    }
    return c;
  };
  ThreadData& t = *m_thread;
  m_row_cells.assign(2, k_absent);
  auto syntax_error = [&](std::string_view what) {
    // Only on errors: ask the stream where it is (file and string streams can tell).
    const auto offset = static_cast<std::int64_t>(in.pubseekoff(0, std::ios::cur, std::ios::in));
    return fail(fmt::format("invalid JSON at byte {}: samples.data of thread '{}': {} (row {})", offset, t.name,
                            what, t.sample_rows));
  };
  bool first = true;
  while (true) {
    int c = skip_space();
    if (c == ']') {
      return true;
    }
    if (!first) {
      if (c != ',') {
        return syntax_error("expected ',' or ']' after a row");
      }
      in.sbumpc();
      c = skip_space();
    }
    first = false;
    if (c != '[') {
      return syntax_error("a row is not an array");
    }
    in.sbumpc();
    m_row_cells[0] = k_absent;
    m_row_cells[1] = k_absent;
    for (std::int64_t column = 0;; ++column) {
      c = skip_space();
      if (c == ']' && column == 0) {
        in.sbumpc();
        break;
      }
      std::int64_t value = k_absent;
      if (!read_cell_fast(value, column == t.stack_column || column == t.weight_column)) {
        return syntax_error("malformed value (rows hold numbers, null, true or false)");
      }
      if (column == t.stack_column) {
        m_row_cells[0] = value;
      } else if (column == t.weight_column) {
        m_row_cells[1] = value;
      }
      c = skip_space();
      in.sbumpc();
      if (c == ']') {
        break;
      }
      if (c != ',') {
        return syntax_error("expected ',' or ']' in a row");
      }
    }
    std::int64_t weight = t.weight_column != k_absent && m_row_cells[1] != k_absent ? m_row_cells[1] : 1;
    if (weight < 0) {
      return fail(fmt::format("thread '{}': sample {} has negative weight {}", t.name, t.sample_rows, weight));
    }
    t.count(m_row_cells[0], weight);
    ++t.sample_rows;
  }
}

// One JSON number or literal; `value` is the integer (integral floats included) or k_absent. Only
// `wanted` cells (stack, weight) are converted; the others (time...) are checked for syntax only.
bool GeckoHandler::read_cell_fast(std::int64_t& value, bool wanted) {
  std::streambuf& in = *m_fast_input;
  int c = in.sgetc();
  value = k_absent;
  for (const char* literal : {"null", "true", "false"}) {
    if (c == literal[0]) {
      for (const char* p = literal; *p != '\0'; ++p) {
        if (in.sbumpc() != *p) {
          return false;
        }
      }
      return true;
    }
  }
  // JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept in a small buffer for the
  // rare exponent case.
  std::array<char, 64> text{};
  std::size_t length = 0;
  auto take = [&] {
    if (length + 1 < text.size()) {
      text[length] = static_cast<char>(c);
    }
    ++length;
    c = in.snextc();
  };
  const bool negative = c == '-';
  if (negative) {
    take();
  }
  std::uint64_t integer = 0;
  std::size_t int_digits = 0;
  bool leading_zero = false;
  while (c >= '0' && c <= '9') {
    if (int_digits == 0) {
      leading_zero = c == '0';
    }
    integer = integer * 10 + static_cast<std::uint64_t>(c - '0');
    ++int_digits;
    take();
  }
  if (int_digits == 0 || (leading_zero && int_digits > 1)) {
    return false;
  }
  bool integral = int_digits <= 18;
  if (c == '.') {
    take();
    std::size_t fraction_digits = 0;
    while (c >= '0' && c <= '9') {
      integral = integral && c == '0';
      ++fraction_digits;
      take();
    }
    if (fraction_digits == 0) {
      return false;
    }
  }
  bool exponent = false;
  if (c == 'e' || c == 'E') {
    exponent = true;
    take();
    if (c == '+' || c == '-') {
      take();
    }
    std::size_t exponent_digits = 0;
    while (c >= '0' && c <= '9') {
      ++exponent_digits;
      take();
    }
    if (exponent_digits == 0) {
      return false;
    }
  }
  if (!wanted) {
    return true;
  }
  if (!exponent && integral) {
    value = negative ? -static_cast<std::int64_t>(integer) : static_cast<std::int64_t>(integer);
    return true;
  }
  if (length < text.size()) {
    const double number = std::strtod(text.data(), nullptr);
    if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9e18) {
      value = static_cast<std::int64_t>(number);
    }
  }
  return true;
}

bool GeckoHandler::end_object() {
  const Role role = m_stack.back().role;
  if (role == Role::thread) {
    if (!finish_thread()) {
      return false;
    }
  }
  m_stack.pop_back();
  return true;
}

bool GeckoHandler::end_array() {
  Node& node = m_stack.back();
  if (node.role == Role::samples_row) {
    ThreadData& t = *m_thread;
    const std::int64_t stack = m_row_cells[0];
    std::int64_t weight = 1;
    if (t.weight_column != k_absent && m_row_cells[1] != k_absent) {
      weight = m_row_cells[1];
    }
    if (weight < 0) {
      return fail(fmt::format("thread '{}': sample {} has negative weight {}", t.name, t.sample_rows, weight));
    }
    t.count(stack, weight);
    ++t.sample_rows;
  }
  m_stack.pop_back();
  return true;
}

bool GeckoHandler::string(std::string& value) {
  if (m_stack.empty()) {
    return true;
  }
  Node& node = m_stack.back();
  if (node.role == Role::strings) {
    ++node.index;
    if (m_thread) {
      m_thread->strings.push_back(std::move(value));
    } else if (m_stack.size() >= 2 && m_stack[m_stack.size() - 2].role == Role::shared) {
      m_shared_strings.push_back(std::move(value));
    }
    return true;
  }
  if (node.role == Role::threads || node.role == Role::processes) {
    ++node.index;
    return parse_embedded(value);
  }
  if (node.role == Role::thread && m_key == "name") {
    m_thread->name = value;
    return true;
  }
  return scalar(k_absent, false);
}

bool GeckoHandler::scalar(std::int64_t value, bool is_null) {
  if (m_stack.empty()) {
    return true;
  }
  Node& node = m_stack.back();
  const std::int64_t index = node.index++;
  switch (node.role) {
  case Role::samples_row: {
    // Columns by the schema; rows seen before their schema assume stack in column 0 (every Gecko version).
    ThreadData& t = *m_thread;
    if (index == t.stack_column) {
      m_row_cells[0] = value;
    } else if (index == t.weight_column) {
      m_row_cells[1] = value;
    }
    return true;
  }
  case Role::column:
    node.column->push_back(value);
    return true;
  case Role::table_row:
    if (static_cast<std::size_t>(index) < k_row_columns) {
      node.table->cells[(node.table->rows - 1) * k_row_columns + static_cast<std::size_t>(index)] = value;
    }
    return true;
  case Role::samples_schema: {
    ThreadData& t = *m_thread;
    if (m_key == "stack") {
      if (t.sample_rows > 0 && value != t.stack_column) {
        return fail(fmt::format("thread '{}': samples.data precedes a schema with stack in column {}", t.name,
                                value));
      }
      t.stack_column = value;
    } else if (m_key == "weight") {
      if (t.sample_rows > 0) {
        return fail(fmt::format("thread '{}': samples.data precedes a schema with a weight column", t.name));
      }
      t.weight_column = value;
    }
    return true;
  }
  case Role::table_schema:
    node.table->schema.emplace_back(m_key, value);
    return true;
  case Role::meta:
    if (!is_null && value != k_absent) {
      if (m_key == "version") {
        m_meta_version = value;
      } else if (m_key == "preprocessedProfileVersion") {
        m_processed_version = value;
      }
    }
    return true;
  default:
    return true;
  }
}

bool GeckoHandler::parse_embedded(const std::string& text) {
  if (m_depth >= k_max_embedded_depth) {
    return fail("subprocess profiles embedded as strings nest too deep");
  }
  GeckoHandler sub(m_totals, m_depth + 1);
  if (!json::sax_parse(text, &sub) || !sub.error().empty()) {
    return fail(fmt::format("embedded subprocess profile: {}", sub.error().empty() ? "invalid JSON" : sub.error()));
  }
  m_threads += sub.threads();
  return true;
}

Result<std::int64_t> GeckoHandler::function_of_frame(std::int64_t frame, std::vector<std::int64_t>& cache) {
  ThreadData& t = *m_thread;
  const std::size_t frames = t.processed ? t.frame_func.size() : t.frame_table.rows;
  if (frame < 0 || static_cast<std::size_t>(frame) >= frames) {
    return make_error(fmt::format("thread '{}': frame {} is outside frameTable ({} rows)", t.name, frame, frames));
  }
  const auto f = static_cast<std::size_t>(frame);
  if (cache[f] != k_absent) {
    return cache[f];
  }
  std::int64_t string_index = k_absent;
  if (t.processed) {
    const std::int64_t func = t.frame_func[f];
    if (func < 0 || static_cast<std::size_t>(func) >= t.func_name.size()) {
      return make_error(fmt::format("thread '{}': frame {} refers to function {} outside funcTable ({} rows)",
                                    t.name, frame, func, t.func_name.size()));
    }
    string_index = t.func_name[static_cast<std::size_t>(func)];
  } else {
    string_index = t.frame_table.cell(f, t.frame_table.column("location", 0));
  }
  const std::vector<std::string>& strings = t.strings.empty() ? m_shared_strings : t.strings;
  if (string_index < 0 || static_cast<std::size_t>(string_index) >= strings.size()) {
    return make_error(fmt::format("thread '{}': frame {} names string {} outside the string table ({} strings)",
                                  t.name, frame, string_index, strings.size()));
  }
  cache[f] = m_totals.intern(strings[static_cast<std::size_t>(string_index)]);
  return cache[f];
}

bool GeckoHandler::finish_thread() {
  ThreadData& t = *m_thread;
  ++m_threads;
  if (t.processed) {
    // Column arrays: pair each sample's stack with its weight now that both are known.
    for (std::size_t i = 0; i < t.sample_stack.size(); ++i) {
      const std::int64_t weight = i < t.sample_weight.size() && t.sample_weight[i] >= 0 ? t.sample_weight[i] : 1;
      t.count(t.sample_stack[i], weight);
    }
  }
  const std::size_t stacks = t.processed ? std::min(t.stack_frame.size(), t.stack_prefix.size())
                                         : t.stack_table.rows;
  const std::int64_t prefix_col = t.stack_table.column("prefix", 0);
  const std::int64_t frame_col = t.stack_table.column("frame", 1);
  std::vector<std::int64_t> frame_cache(t.processed ? t.frame_func.size() : t.frame_table.rows, k_absent);
  std::vector<std::uint32_t> functions;

  auto add_stack = [&](std::int64_t stack, std::int64_t weight) -> bool {
    if (weight == 0) {
      return true;
    }
    functions.clear();
    std::int64_t current = stack;
    // A well-formed table has prefix < index; bound the walk by the table size to survive cycles.
    for (std::size_t depth = 0; current != k_absent; ++depth) {
      if (current < 0 || static_cast<std::size_t>(current) >= stacks) {
        return fail(fmt::format("thread '{}': stack {} is outside stackTable ({} rows)", t.name, current, stacks));
      }
      if (depth >= stacks) {
        return fail(fmt::format("thread '{}': stack {} has a prefix cycle", t.name, stack));
      }
      const auto s = static_cast<std::size_t>(current);
      const std::int64_t frame = t.processed ? t.stack_frame[s] : t.stack_table.cell(s, frame_col);
      auto function = function_of_frame(frame, frame_cache);
      if (!function) {
        return fail(function.error().message);
      }
      functions.push_back(static_cast<std::uint32_t>(*function));
      current = t.processed ? t.stack_prefix[s] : t.stack_table.cell(s, prefix_col);
    }
    m_totals.add_sample(functions, weight);
    return true;
  };
  for (std::size_t s = 0; s < t.dense_counts.size(); ++s) {
    if (!add_stack(static_cast<std::int64_t>(s), t.dense_counts[s])) {
      return false;
    }
  }
  for (const auto& [stack, weight] : t.sparse_counts) {
    if (!add_stack(stack, weight)) {
      return false;
    }
  }
  if (t.stackless != 0) {
    m_totals.add_sample({}, t.stackless);
  }
  m_thread.reset();
  return true;
}

} // namespace

bool sniff_gecko(std::string_view head) {
  const std::size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || head[start] != '{') {
    return false;
  }
  const std::string_view window = head.substr(start, 4096);
  return window.find("\"meta\"") != std::string_view::npos || window.find("\"threads\"") != std::string_view::npos ||
         window.find("\"stackTable\"") != std::string_view::npos;
}

Result<Profile> parse_gecko_stream(std::istream& in, std::string_view origin) {
  StackTotals totals;
  GeckoHandler handler(totals, 0);
  handler.set_fast_input(in.rdbuf());
  const bool ok = json::sax_parse(in, &handler);
  if (!ok || !handler.error().empty()) {
    const std::string why = handler.error().empty() ? "invalid JSON" : handler.error();
    return make_error(fmt::format("{}: {}", origin, why));
  }
  if (handler.threads() == 0) {
    return make_error(fmt::format("{}: not a Gecko profile (no threads with samples)", origin));
  }
  Profile profile;
  profile.source = Source{SourceKind::gecko, handler.version(), std::string(origin)};
  add_to_profile(totals.total(), totals.functions(), Metric::steps, profile);
  if (handler.threads() > 1) {
    profile.notes.push_back(fmt::format("{} threads merged by function name", handler.threads()));
  }
  return profile;
}

} // namespace zkbench::profile
