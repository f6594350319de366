#include "profile/callgrind_parser.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace zkbench::profile {
namespace {

struct FunctionData {
  std::uint64_t self = 0;
  std::uint64_t callee_cost = 0; // inclusive cost of calls to other functions
  std::uint64_t calls_in = 0;
  bool called = false;
};

struct Edge {
  std::uint64_t calls = 0;
  std::uint64_t cost = 0;
};

// Compressed names: "(id) name" defines id, "(id)" refers to it, "name" is plain.
class NameTable {
public:
  Result<std::string> resolve(std::string_view spec) {
    spec = util::trim(spec);
    if (spec.empty() || spec.front() != '(') {
      return std::string(spec);
    }
    const std::size_t close = spec.find(')');
    std::uint64_t id = 0;
    const auto digits = spec.substr(1, close == std::string_view::npos ? 0 : close - 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (close == std::string_view::npos || ec != std::errc() || end != digits.data() + digits.size()) {
      return make_error(fmt::format("malformed compressed name '{}'", spec));
    }
    const std::string_view name = util::trim(spec.substr(close + 1));
    if (!name.empty()) {
      m_names[id] = std::string(name);
      return std::string(name);
    }
    const auto it = m_names.find(id);
    if (it == m_names.end()) {
      return make_error(fmt::format("compressed name ({}) is used before it is defined", id));
    }
    return it->second;
  }

private:
  std::unordered_map<std::uint64_t, std::string> m_names;
};

class CallgrindReader {
public:
  explicit CallgrindReader(std::string_view origin) : m_origin(origin) {}

  Result<void> line(std::string_view text);
  Result<Profile> finish();

private:
  tl::unexpected<Error> error(const std::string& what) const {
    return make_error(fmt::format("{}:{}: {}", m_origin, m_line_number, what));
  }
  Result<void> header(std::string_view key, std::string_view value);
  Result<void> specification(std::string_view key, std::string_view value);
  Result<void> cost_line(std::string_view text);
  std::uint32_t function_id(const std::string& name);

  std::string_view m_origin;
  std::size_t m_line_number = 0;
  std::vector<std::string> m_events;
  std::size_t m_event = 0;     // column of the chosen event among the costs
  std::size_t m_positions = 1; // number of position columns
  std::vector<std::int64_t> m_last_position;
  std::vector<std::uint64_t> m_totals, m_summary; // chosen event, per part
  NameTable m_files, m_functions, m_objects;
  std::unordered_map<std::string, std::uint32_t> m_ids;
  std::vector<std::string> m_names;
  std::vector<FunctionData> m_data;
  std::unordered_map<std::uint64_t, Edge> m_edges; // caller << 32 | callee
  std::optional<std::uint32_t> m_current;
  std::optional<std::uint32_t> m_callee;
  std::optional<std::uint64_t> m_pending_calls; // set by calls=, consumed by the next cost line
};

// Callgrind names deeper recursion levels "f'2", "f'3" (--separate-recs); they are the same function.
std::string strip_recursion_level(const std::string& name) {
  const std::size_t quote = name.rfind('\'');
  if (quote == std::string::npos || quote + 1 == name.size() ||
      name.find_first_not_of("0123456789", quote + 1) != std::string::npos) {
    return name;
  }
  return name.substr(0, quote);
}

std::uint32_t CallgrindReader::function_id(const std::string& raw_name) {
  const std::string name = strip_recursion_level(raw_name);
  const auto [it, inserted] = m_ids.try_emplace(name, static_cast<std::uint32_t>(m_names.size()));
  if (inserted) {
    m_names.push_back(name);
    m_data.emplace_back();
  }
  return it->second;
}

// Parses an unsigned decimal or 0x-hex number filling all of `text`.
std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> first_number(std::string_view text) {
  text = util::trim(text);
  return parse_unsigned(text.substr(0, text.find_first_of(" \t")));
}

Result<void> CallgrindReader::header(std::string_view key, std::string_view value) {
  if (key == "events") {
    m_events.clear();
    for (const std::string& word : util::split(std::string(util::trim(value)), ' ')) {
      if (!word.empty()) {
        m_events.push_back(word);
      }
    }
    if (m_events.empty()) {
      return error("'events:' lists no event");
    }
    m_event = 0;
    for (std::size_t i = 0; i < m_events.size(); ++i) {
      if (m_events[i] == "Ir") {
        m_event = i;
      }
    }
  } else if (key == "positions") {
    m_positions = 0;
    for (const std::string& word : util::split(std::string(util::trim(value)), ' ')) {
      m_positions += word.empty() ? 0 : 1;
    }
    if (m_positions == 0 || m_positions > 2) {
      return error(fmt::format("unsupported 'positions: {}'", util::trim(value)));
    }
    m_last_position.assign(m_positions, 0);
  } else if (key == "summary" || key == "totals") {
    // Costs in event order; keep the chosen event's.
    std::vector<std::uint64_t> costs;
    for (const std::string& word : util::split(std::string(util::trim(value)), ' ')) {
      if (word.empty()) {
        continue;
      }
      const auto number = parse_unsigned(word);
      if (!number) {
        return error(fmt::format("malformed number '{}' in '{}:'", word, key));
      }
      costs.push_back(*number);
    }
    (key == "summary" ? m_summary : m_totals).push_back(m_event < costs.size() ? costs[m_event] : 0);
  }
  return {}; // version, creator, pid, cmd, part, desc, thread...: informational
}

Result<void> CallgrindReader::specification(std::string_view key, std::string_view value) {
  if (m_pending_calls && key != "cob" && key != "cfi" && key != "cfl" && key != "cfn") {
    return error(fmt::format("'calls=' is followed by '{}=' instead of a cost line", key));
  }
  if (key == "fl" || key == "fi" || key == "fe" || key == "cfi" || key == "cfl" || key == "jfi") {
    if (auto file = m_files.resolve(value); !file) {
      return error(file.error().message);
    }
  } else if (key == "ob" || key == "cob") {
    if (auto object = m_objects.resolve(value); !object) {
      return error(object.error().message);
    }
  } else if (key == "fn" || key == "cfn" || key == "jfn") {
    auto name = m_functions.resolve(value);
    if (!name) {
      return error(name.error().message);
    }
    if (key == "fn") {
      m_current = function_id(*name);
    } else if (key == "cfn") {
      m_callee = function_id(*name);
    }
  } else if (key == "calls") {
    const auto count = first_number(value);
    if (!count) {
      return error(fmt::format("malformed 'calls={}'", value));
    }
    if (!m_current || !m_callee) {
      return error("'calls=' outside a function or without 'cfn='");
    }
    m_pending_calls = *count;
  }
  return {}; // jump=, jcnd=: branch counts, not needed
}

Result<void> CallgrindReader::cost_line(std::string_view text) {
  if (m_events.empty()) {
    return error("cost line before the 'events:' header");
  }
  if (!m_current) {
    return error("cost line outside a function (no 'fn=' yet)");
  }
  if (m_last_position.size() != m_positions) {
    m_last_position.assign(m_positions, 0);
  }
  std::size_t column = 0;
  std::uint64_t cost = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = text.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) {
      break;
    }
    const std::size_t end = std::min(text.find_first_of(" \t", start), text.size());
    const std::string_view token = text.substr(start, end - start);
    pos = end;
    if (column < m_positions) {
      std::int64_t& last = m_last_position[column];
      if (token == "*") {
        // same position as before
      } else if (token[0] == '+' || token[0] == '-') {
        const auto delta = parse_unsigned(token.substr(1));
        if (!delta) {
          return error(fmt::format("malformed relative position '{}'", token));
        }
        const auto d = static_cast<std::int64_t>(*delta);
        last = static_cast<std::int64_t>(token[0] == '+' ? static_cast<std::uint64_t>(last) + static_cast<std::uint64_t>(d)
                                                         : static_cast<std::uint64_t>(last) - static_cast<std::uint64_t>(d));
      } else {
        const auto absolute = parse_unsigned(token);
        if (!absolute) {
          return error(fmt::format("malformed position '{}'", token));
        }
        last = static_cast<std::int64_t>(*absolute);
      }
    } else {
      const auto value = parse_unsigned(token);
      if (!value) {
        return error(fmt::format("malformed cost '{}'", token));
      }
      if (column - m_positions == m_event) {
        cost = *value;
      }
    }
    ++column;
  }
  if (m_pending_calls) {
    const std::uint32_t caller = *m_current;
    const std::uint32_t callee = *m_callee;
    Edge& edge = m_edges[(std::uint64_t{caller} << 32u) | callee];
    edge.calls += *m_pending_calls;
    edge.cost += cost;
    m_data[callee].calls_in += *m_pending_calls;
    m_data[callee].called = true;
    if (callee != caller) {
      m_data[caller].callee_cost += cost;
    }
    m_pending_calls.reset();
  } else {
    m_data[*m_current].self += cost;
  }
  return {};
}

Result<void> CallgrindReader::line(std::string_view text) {
  ++m_line_number;
  if (!text.empty() && text.back() == '\r') {
    text.remove_suffix(1);
  }
  if (text.empty() || text.front() == '#') {
    return {};
  }
  const char first = text.front();
  if ((first >= '0' && first <= '9') || first == '+' || first == '-' || first == '*') {
    return cost_line(text);
  }
  const std::size_t equals = text.find('=');
  const std::size_t colon = text.find(':');
  if (equals != std::string_view::npos && (colon == std::string_view::npos || equals < colon)) {
    return specification(text.substr(0, equals), text.substr(equals + 1));
  }
  if (colon != std::string_view::npos) {
    return header(util::trim(text.substr(0, colon)), text.substr(colon + 1));
  }
  return error(fmt::format("unrecognised line '{}'", text.substr(0, 80)));
}

Result<Profile> CallgrindReader::finish() {
  if (m_pending_calls) {
    return error("'calls=' at the end of the file without its cost line");
  }
  if (m_events.empty()) {
    return make_error(fmt::format("{}: not a callgrind file (no 'events:' line)", m_origin));
  }
  Profile profile;
  profile.source = Source{SourceKind::callgrind, "callgrind format 1", std::string(m_origin)};
  std::uint64_t self_sum = 0;
  for (const FunctionData& data : m_data) {
    self_sum += data.self;
  }
  auto sum = [](const std::vector<std::uint64_t>& parts) {
    std::uint64_t total = 0;
    for (const std::uint64_t part : parts) {
      total += part;
    }
    return total;
  };
  profile.totals.figures.steps = !m_totals.empty() ? sum(m_totals) : !m_summary.empty() ? sum(m_summary) : self_sum;
  if (m_events[m_event] != "Ir") {
    profile.notes.push_back(fmt::format("no Ir event: steps are '{}'", m_events[m_event]));
  }
  for (std::size_t i = 0; i < m_names.size(); ++i) {
    FunctionProfile function;
    function.name = m_names[i];
    function.exclusive.steps = m_data[i].self;
    function.inclusive.steps = m_data[i].self + m_data[i].callee_cost;
    if (m_data[i].called) {
      function.calls = m_data[i].calls_in;
    }
    profile.functions.push_back(std::move(function));
  }
  for (const auto& [key, edge] : m_edges) {
    const auto caller = static_cast<std::uint32_t>(key >> 32u);
    const auto callee = static_cast<std::uint32_t>(key & 0xffffffffu);
    Caller entry{m_names[caller], edge.calls, Figures{}};
    entry.figures.steps = edge.cost;
    profile.functions[callee].callers.push_back(std::move(entry));
  }
  // Hash order is arbitrary: list callers by steps, largest first.
  for (FunctionProfile& function : profile.functions) {
    std::sort(function.callers.begin(), function.callers.end(), [](const Caller& a, const Caller& b) {
      return a.figures.steps != b.figures.steps ? a.figures.steps > b.figures.steps : a.name < b.name;
    });
  }
  return profile;
}

} // namespace

bool sniff_callgrind(std::string_view head) {
  if (util::starts_with(head, "# callgrind format")) {
    return true;
  }
  return (util::starts_with(head, "events:") || head.find("\nevents:") != std::string_view::npos) &&
         head.find("\nfn=") != std::string_view::npos;
}

Result<Profile> parse_callgrind_stream(std::istream& in, std::string_view origin) {
  CallgrindReader reader(origin);
  std::string text;
  while (std::getline(in, text)) {
    ZKBENCH_TRY(reader.line(text));
  }
  if (in.bad()) {
    return make_error(fmt::format("{}: read error", origin));
  }
  return reader.finish();
}

} // namespace zkbench::profile
