#include "profile/ziskemu_parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "profile/names.hpp"
#include "profile/text_rows.hpp"
#include "util/strings.hpp"

namespace zkbench::profile {

namespace {

using util::starts_with;

// Beyond this many malformed rows, notes are summarised: a huge garbage file must not make a huge note list.
constexpr int k_max_row_notes = 20;

constexpr std::array<std::string_view, 6> k_categories = {"BASE",        "MAIN",   "OPCODES",
                                                          "PRECOMPILES", "MEMORY", "VARIABLE"};

enum class Section {
  none,
  report,
  cost,
  opcodes,
  frops,
  top_steps,
  top_cost,
  detail,
  detail_opcodes,
  detail_callers,
  tags_steps,
  tags_cost,
  skipped,
};

const char* section_name(Section section) {
  switch (section) {
  case Section::report:
    return "REPORT";
  case Section::cost:
    return "COST DISTRIBUTION";
  case Section::opcodes:
  case Section::detail_opcodes:
    return "COST BY OPCODE";
  case Section::frops:
    return "FROPS BY OPCODE";
  case Section::top_steps:
    return "TOP STEP FUNCTIONS";
  case Section::top_cost:
    return "TOP COST FUNCTIONS";
  case Section::detail:
    return "DETAIL FUNCTION";
  case Section::detail_callers:
    return "TOP STEP CALLERS";
  case Section::tags_steps:
  case Section::tags_cost:
    return "PROFILE TAGS";
  case Section::none:
  case Section::skipped:
    break;
  }
  return "";
}

// The decoration of the --sdk box report: frames, bars, dots and the diamond before headings.
bool is_box_decoration(std::string_view glyph) {
  static constexpr std::array<std::string_view, 24> k_glyphs = {
      "║", "╔", "╗", "╚", "╝", "╠", "╣", "═", "┄", "∙", "◆", "█", "▏", "▎",
      "▍", "▌", "▋", "▊", "▉", "░", "▒", "▓", "─", "│"};
  return std::find(k_glyphs.begin(), k_glyphs.end(), glyph) != k_glyphs.end();
}

// The first column of a box line (text between the first and second '║'), decoration removed.
std::string unbox(std::string_view line) {
  constexpr std::string_view k_bar = "║";
  std::size_t start = line.find(k_bar);
  start = start == std::string_view::npos ? 0 : start + k_bar.size();
  std::size_t end = line.find(k_bar, start);
  std::string_view column = line.substr(start, end == std::string_view::npos ? line.npos : end - start);
  std::string out;
  for (std::size_t i = 0; i < column.size();) {
    const auto byte = static_cast<unsigned char>(column[i]);
    const std::size_t width = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
    const std::string_view glyph = column.substr(i, width);
    if (width > 1 && is_box_decoration(glyph)) {
      out.push_back(' ');
    } else {
      out.append(glyph);
    }
    i += width;
  }
  return out;
}

bool is_rule(std::string_view text) {
  return !text.empty() && text.find_first_not_of("-=") == std::string_view::npos;
}

bool is_hex_word(std::string_view text) {
  return text.size() == 8 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

// Heuristic for a heading zkbench does not know: upper-case words (parenthesised column list allowed)
// and no figures, e.g. "MEMORY REGIONS (ADDR, SIZE)".
bool looks_like_heading(std::string_view text) {
  const std::string_view head = text.substr(0, text.find('('));
  if (head.size() < 4 || std::isupper(static_cast<unsigned char>(head.front())) == 0) {
    return false;
  }
  return std::none_of(head.begin(), head.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return out;
}

class ZiskemuParser {
public:
  explicit ZiskemuParser(std::string_view origin) {
    m_profile.source.kind = SourceKind::ziskemu;
    m_profile.source.origin = std::string(origin);
  }

  Result<Profile> run(std::string_view text) {
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) {
        end = text.size();
      }
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      ++line_number;
      handle_line(line, line_number);
      if (end == text.size()) {
        break;
      }
      start = end + 1;
    }
    if (!m_report_seen) {
      if (m_legacy_line != 0) {
        return make_error(fmt::format(
            "{}:{}: legacy `ziskemu -x` statistics ('Cost definitions:') are not supported; rerun ziskemu with -X",
            m_profile.source.origin, m_legacy_line));
      }
      return make_error(fmt::format("{}:1: not a ziskemu report: no REPORT, COST DISTRIBUTION, TOP … FUNCTIONS "
                                    "or DETAIL FUNCTION section in {} lines",
                                    m_profile.source.origin, line_number));
    }
    if (m_row_notes > k_max_row_notes) {
      m_profile.notes.push_back(
          fmt::format("{} more unrecognized rows not listed", m_row_notes - k_max_row_notes));
    }
    note_truncation(text, line_number);
    m_profile.source.version = infer_version();
    return std::move(m_profile);
  }

private:
  void handle_line(std::string_view raw, std::size_t number) {
    if (raw.find("╔") != std::string_view::npos || raw.find("╚") != std::string_view::npos ||
        raw.find("╠") != std::string_view::npos) {
      return; // frame lines of the --sdk boxes
    }
    const bool boxed = raw.find("║") != std::string_view::npos;
    std::string storage;
    std::string_view line = raw;
    if (boxed) {
      storage = unbox(raw);
      line = storage;
      m_boxed = true;
    }
    bool prefixed = false;
    std::string_view text = util::trim(line);
    if (!text.empty() && text.front() == '|') {
      prefixed = true;
      text = util::trim(text.substr(1));
    }
    if (text.empty() || is_rule(text)) {
      return;
    }
    if (handle_heading(text, prefixed, number)) {
      return;
    }
    if (!m_report_seen) {
      return; // guest output, "Loading symbols from ELF file: …", "Loaded N function symbols"
    }
    if (m_section == Section::skipped) {
      if (is_hex_word(text)) {
        m_profile.public_outputs.emplace_back(text);
      }
      return;
    }
    if (handle_row(text, boxed)) {
      return;
    }
    if (is_hex_word(text)) {
      m_profile.public_outputs.emplace_back(text);
      m_section = Section::none;
      return;
    }
    if (boxed && (starts_with(text, "CATEGORY") || starts_with(text, "OPCODE") || starts_with(text, "Total "))) {
      return; // column headers and the opcode total of the --sdk boxes
    }
    if (!boxed && !prefixed && looks_like_heading(text)) {
      m_profile.notes.push_back(fmt::format("skipped unknown section '{}' at line {}", text, number));
      m_section = Section::skipped;
      return;
    }
    if (m_section != Section::none && text != "...") {
      ++m_row_notes;
      if (m_row_notes <= k_max_row_notes) {
        m_profile.notes.push_back(fmt::format("line {}: unrecognized row in {}: '{}'", number,
                                              section_name(m_section), text.substr(0, 120)));
      }
    }
  }

  // Recognises section headings; returns true when `text` was one.
  bool handle_heading(std::string_view text, bool prefixed, std::size_t number) {
    if (starts_with(text, "Cost definitions:")) {
      // Legacy `-x` statistics: no per-function data and a different cost model; not a report by itself.
      m_legacy_line = m_legacy_line == 0 ? number : m_legacy_line;
      m_section = Section::skipped;
      return true;
    }
    if (starts_with(text, "process_rom() ")) {
      handle_metrics_line(text);
      return true;
    }
    if (text == "REPORT" || text == "REPORT SUMMARY") {
      enter(Section::report, prefixed);
    } else if (starts_with(text, "COST DISTRIBUTION BY OPCODE")) {
      enter(Section::opcodes, prefixed);
    } else if (starts_with(text, "COST DISTRIBUTION")) {
      enter(Section::cost, prefixed);
    } else if (starts_with(text, "COST BY OPCODE")) {
      const auto words = split_ws(text);
      const auto count = std::find(words.begin(), words.end(), "COUNT");
      if (count != words.end() && std::next(count) != words.end() && *std::next(count) == "%") {
        m_count_percent = true;
      }
      enter(prefixed && m_detail ? Section::detail_opcodes : Section::opcodes, prefixed);
    } else if (starts_with(text, "FROPS BY OPCODE")) {
      enter(Section::frops, prefixed);
    } else if (starts_with(text, "TOP STEP FUNCTIONS") || starts_with(text, "TOP COST FUNCTIONS")) {
      const bool steps = starts_with(text, "TOP STEP");
      enter(steps ? Section::top_steps : Section::top_cost, prefixed);
      read_columns(text);
    } else if (starts_with(text, "TOP STEP CALLERS")) {
      if (m_detail) {
        enter(Section::detail_callers, prefixed);
      } else {
        m_profile.notes.push_back(fmt::format("skipped TOP STEP CALLERS outside a DETAIL FUNCTION block at line {}", number));
        enter(Section::skipped, prefixed);
      }
    } else if (starts_with(text, "DETAIL FUNCTION ")) {
      enter(Section::detail, false);
      m_detail = detail_function(std::string(util::trim(text.substr(16))));
    } else if (starts_with(text, "PROFILE TAGS STEPS")) {
      enter(Section::tags_steps, prefixed);
    } else if (starts_with(text, "PROFILE TAGS COST")) {
      enter(Section::tags_cost, prefixed);
    } else if (starts_with(text, "TOP PC HISTOGRAM")) {
      m_pc_histogram = true;
      m_profile.notes.push_back(fmt::format("TOP PC HISTOGRAM at line {} is per-instruction data; not modelled", number));
      enter(Section::skipped, prefixed);
    } else {
      return false;
    }
    return true;
  }

  void enter(Section section, bool prefixed) {
    if (!prefixed && section != Section::detail) {
      m_detail.reset();
    }
    m_section = section;
    m_report_seen = true;
  }

  void read_columns(std::string_view heading) {
    m_has_calls_column.reset();
    const std::size_t open = heading.find('(');
    const std::size_t close = heading.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      return;
    }
    const std::string columns(heading.substr(open + 1, close - open - 1));
    m_has_calls_column = columns.find("CALLS") != std::string::npos;
    if (columns.find("/CALL") != std::string::npos) {
      m_per_call_columns = true;
    }
    if (columns.find("VARIABLE") != std::string::npos) {
      m_variable = true;
    }
  }

  void handle_metrics_line(std::string_view text) {
    // `-m`: "process_rom() steps=4450270 duration=0.0436 tp=102.0505 Msteps/s …"
    for (const std::string& word : split_ws(text)) {
      if (starts_with(word, "steps=")) {
        if (auto steps = parse_count(std::string_view(word).substr(6))) {
          m_profile.totals.figures.steps = *steps;
          m_report_seen = true;
          m_section = Section::none;
        }
      }
    }
  }

  bool handle_row(std::string_view text, bool boxed) {
    switch (m_section) {
    case Section::report:
    case Section::cost:
    case Section::detail:
      return label_row(text);
    case Section::opcodes:
    case Section::frops:
    case Section::detail_opcodes:
      return opcode_row(text, boxed);
    case Section::top_steps:
    case Section::top_cost:
      return function_row(text, boxed);
    case Section::detail_callers:
      return caller_row(text);
    case Section::tags_steps:
    case Section::tags_cost:
      return tag_row(text);
    case Section::none:
    case Section::skipped:
      break;
    }
    return false;
  }

  bool label_row(std::string_view text) {
    const auto row = parse_label_row(text);
    if (!row) {
      // --sdk "RAM  17.61 MB / 64.00 MB": sizes, not counts; nothing the model keeps
      return m_section == Section::report && starts_with(text, "RAM ");
    }
    const std::string label = upper(row->label);
    if (m_section == Section::detail) {
      FunctionProfile& function = m_profile.functions[*m_detail];
      if (label == "STEPS" && !function.inclusive.steps) {
        function.inclusive.steps = row->value;
      } else if (label == "COST" && !function.inclusive.cost) {
        function.inclusive.cost = row->value;
      }
      return true;
    }
    if (label == "STEPS") {
      m_profile.totals.figures.steps = row->value;
    } else if (label == "TOTAL" || label == "COST") {
      m_profile.totals.figures.cost = row->value;
      m_total_row = m_total_row || label == "TOTAL";
    } else if (std::find(k_categories.begin(), k_categories.end(), label) != k_categories.end()) {
      m_profile.totals.cost_distribution.push_back(NamedValue{label, row->value});
      m_variable = m_variable || label == "VARIABLE";
    } else {
      m_profile.totals.other.push_back(NamedValue{label, row->value});
    }
    return true;
  }

  bool opcode_row(std::string_view text, bool boxed) {
    auto row = boxed ? parse_box_opcode_row(text) : parse_opcode_row(text, m_section == Section::frops);
    if (!row) {
      return false;
    }
    if (m_section == Section::detail_opcodes) {
      m_profile.functions[*m_detail].opcodes.push_back(std::move(*row));
    } else if (m_section == Section::frops) {
      m_profile.frops.push_back(std::move(*row));
    } else {
      m_profile.opcodes.push_back(std::move(*row));
    }
    return true;
  }

  bool function_row(std::string_view text, bool boxed) {
    const auto row = boxed ? parse_box_function_row(text) : parse_function_row(text, m_has_calls_column);
    if (!row) {
      return false;
    }
    const Metric metric = m_section == Section::top_steps ? Metric::steps : Metric::cost;
    // Steps and cost tables list the same functions in different orders; names repeat when truncated,
    // so a row joins the first entry with its name and call count that lacks this figure.
    FunctionProfile* target = nullptr;
    if (const auto it = m_by_name.find(row->name); it != m_by_name.end()) {
      for (std::size_t index : it->second) {
        FunctionProfile& function = m_profile.functions[index];
        if (!function.inclusive.get(metric) && (!row->calls || !function.calls || *function.calls == *row->calls)) {
          target = &function;
          break;
        }
      }
    }
    if (target == nullptr) {
      target = &add_function(row->name);
    }
    target->inclusive.set(metric, row->value);
    if (row->calls) {
      target->calls = row->calls;
    }
    return true;
  }

  bool caller_row(std::string_view text) {
    const auto row = parse_caller_row(text);
    if (!row) {
      return false;
    }
    Caller caller{row->name, row->calls, {}};
    caller.figures.steps = row->value;
    m_profile.functions[*m_detail].callers.push_back(std::move(caller));
    return true;
  }

  bool tag_row(std::string_view text) {
    const auto row = parse_function_row(text, true);
    if (!row) {
      return false;
    }
    const Metric metric = m_section == Section::tags_steps ? Metric::steps : Metric::cost;
    auto tag = std::find_if(m_profile.tags.begin(), m_profile.tags.end(),
                            [&](const ProfileTag& t) { return t.name == row->name && !t.figures.get(metric); });
    if (tag == m_profile.tags.end()) {
      m_profile.tags.push_back(ProfileTag{row->name, {}, row->calls});
      tag = std::prev(m_profile.tags.end());
    }
    tag->figures.set(metric, row->value);
    return true;
  }

  FunctionProfile& add_function(const std::string& name) {
    m_by_name[name].push_back(m_profile.functions.size());
    m_profile.functions.push_back(FunctionProfile{name, {}, {}, {}, {}, {}});
    return m_profile.functions.back();
  }

  // The function a DETAIL FUNCTION block describes: the top-table entry with this name, or one whose
  // name is this name cut by --compact-names (it then takes the full name), or a new entry.
  std::size_t detail_function(const std::string& name) {
    if (const auto it = m_by_name.find(name); it != m_by_name.end()) {
      return it->second.front();
    }
    for (std::size_t i = 0; i < m_profile.functions.size(); ++i) {
      FunctionProfile& function = m_profile.functions[i];
      if (is_truncation_of(function.name, name)) {
        m_by_name[name].push_back(i);
        function.name = name;
        return i;
      }
    }
    add_function(name);
    return m_profile.functions.size() - 1;
  }

  // A report cut short (a full disk, a killed ziskemu, a partial copy) loses its last rows silently;
  // these checks say so: a last line without its newline, a COST BY OPCODE table whose costs add up to
  // less than COST DISTRIBUTION's OPCODES + PRECOMPILES (they are equal in a whole report), or one that
  // lacks a rank (#1..#4) while holding a lower one.
  void note_truncation(std::string_view text, std::size_t lines) {
    const auto say = [&](const std::string& why) {
      m_profile.notes.push_back("the report looks truncated: " + why);
    };
    if (!text.empty() && text.back() != '\n' && util::trim(text.substr(text.rfind('\n') + 1)).size() > 0) {
      say(fmt::format("its last line ({}) has no end of line", lines));
    }
    if (m_profile.opcodes.empty()) {
      return;
    }
    std::uint64_t expected = 0;
    for (const NamedValue& part : m_profile.totals.cost_distribution) {
      expected += part.name == "OPCODES" || part.name == "PRECOMPILES" ? part.value : 0;
    }
    std::uint64_t listed = 0;
    std::set<int> ranks;
    for (const OpcodeCost& opcode : m_profile.opcodes) {
      listed += opcode.cost;
      if (opcode.rank) {
        ranks.insert(*opcode.rank);
      }
    }
    // 1% slack: the two figures are equal in every whole report seen, but rounding must not cry wolf.
    if (expected > 0 && static_cast<double>(listed) < 0.99 * static_cast<double>(expected)) {
      say(fmt::format("COST BY OPCODE rows add up to {} cost, {:.1f}% less than OPCODES + PRECOMPILES ({}); "
                      "the missing rows are not in this profile",
                      listed, 100.0 * (1.0 - static_cast<double>(listed) / static_cast<double>(expected)), expected));
    } else if (!ranks.empty()) {
      for (int rank = 1; rank < *ranks.rbegin(); ++rank) {
        if (ranks.count(rank) == 0) {
          say(fmt::format("COST BY OPCODE has no row ranked #{} but one ranked #{}", rank, *ranks.rbegin()));
          break;
        }
      }
    }
  }

  std::string infer_version() const {
    if (m_boxed) {
      return "sdk report";
    }
    if (m_variable) {
      return "v0.17+";
    }
    if (m_per_call_columns) {
      return "v0.16.1+";
    }
    if (m_count_percent || m_pc_histogram) {
      return "v0.16.0+";
    }
    if (m_total_row) {
      return "v0.15+";
    }
    if (!m_profile.totals.cost_distribution.empty()) {
      return "v0.13–v0.14";
    }
    return "";
  }

  Profile m_profile;
  std::unordered_map<std::string, std::vector<std::size_t>> m_by_name; // function indices by name
  Section m_section = Section::none;
  std::optional<std::size_t> m_detail;
  std::optional<bool> m_has_calls_column;
  bool m_report_seen = false;
  bool m_boxed = false;
  bool m_count_percent = false;
  bool m_per_call_columns = false;
  bool m_variable = false;
  bool m_total_row = false;
  bool m_pc_histogram = false;
  std::size_t m_legacy_line = 0;
  int m_row_notes = 0;
};

} // namespace

bool sniff_ziskemu(std::string_view head) {
  static constexpr std::array<std::string_view, 12> k_markers = {
      "\nREPORT",          "COST DISTRIBUTION",  "TOP STEP FUNCTIONS", "TOP COST FUNCTIONS",
      "DETAIL FUNCTION ",  "COST BY OPCODE",     "PROFILE TAGS STEPS", "◆ REPORT SUMMARY",
      "process_rom() steps=", "Loading symbols from ELF file", "TOP PC HISTOGRAM", "Cost definitions:"};
  if (starts_with(head, "REPORT")) {
    return true;
  }
  return std::any_of(k_markers.begin(), k_markers.end(),
                     [&](std::string_view marker) { return head.find(marker) != std::string_view::npos; });
}

Result<Profile> parse_ziskemu(std::string_view text, std::string_view origin) {
  return ZiskemuParser(origin).run(text);
}

Result<Profile> parse_ziskemu_stream(std::istream& in, std::string_view origin) {
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return parse_ziskemu(text, origin);
}

} // namespace zkbench::profile
