#include "profile/pprof_parser.hpp"

#include <iterator>
#include <unordered_map>

#include <fmt/format.h>

#include "profile/protobuf_reader.hpp"

namespace zkbench::profile {
namespace {

// Field numbers from google/pprof proto/profile.proto.
namespace field {
constexpr std::uint32_t sample_type = 1, sample = 2, location = 4, function = 5, string_table = 6,
                        duration_nanos = 10, default_sample_type = 14;
constexpr std::uint32_t value_type_type = 1, value_type_unit = 2;
constexpr std::uint32_t sample_location_id = 1, sample_value = 2;
constexpr std::uint32_t location_id = 1, location_address = 3, location_line = 4;
constexpr std::uint32_t line_function_id = 1;
constexpr std::uint32_t function_id = 1, function_name = 2;
} // namespace field

struct ValueType {
  std::uint64_t type = 0; // string_table indices
  std::uint64_t unit = 0;
};

struct RawMessage {
  std::string_view bytes;
  std::size_t offset = 0;
};

// Everything but the samples, which are decoded once the tables they refer to are known (Go writes the
// samples before the locations).
struct Tables {
  std::vector<std::string_view> strings;
  std::vector<ValueType> sample_types;
  std::uint64_t default_sample_type = 0;
  std::unordered_map<std::uint64_t, std::uint64_t> function_names;          // function id -> string index
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> locations;  // id -> function ids, leaf first
  std::unordered_map<std::uint64_t, std::uint64_t> location_addresses;      // id -> address (unsymbolized)
  std::vector<RawMessage> samples;
  std::int64_t duration_nanos = 0;
};

template <typename Fn>
Result<void> for_each_field(std::string_view bytes, std::size_t offset, Fn&& fn) {
  ProtobufReader reader(bytes, offset);
  while (!reader.at_end()) {
    ZKBENCH_TRY_ASSIGN(f, reader.next());
    ZKBENCH_TRY(fn(*f, reader.payload_offset(*f)));
  }
  return {};
}

Result<void> expect_bytes(const ProtoField& f, std::size_t offset, const char* what) {
  if (f.type != WireType::length_delimited) {
    return make_error(fmt::format("pprof: {} at byte {} is not a message", what, offset));
  }
  return {};
}

Result<ValueType> parse_value_type(const ProtoField& f, std::size_t offset) {
  ValueType vt;
  ZKBENCH_TRY(expect_bytes(f, offset, "sample_type"));
  ZKBENCH_TRY(for_each_field(f.bytes, offset, [&](const ProtoField& g, std::size_t) -> Result<void> {
    if (g.number == field::value_type_type) {
      vt.type = g.value;
    } else if (g.number == field::value_type_unit) {
      vt.unit = g.value;
    }
    return {};
  }));
  return vt;
}

Result<void> parse_location(const ProtoField& f, std::size_t offset, Tables& tables) {
  ZKBENCH_TRY(expect_bytes(f, offset, "location"));
  std::uint64_t id = 0;
  std::uint64_t address = 0;
  std::vector<std::uint64_t> functions;
  const auto location_field = [&](const ProtoField& g, std::size_t line_offset) -> Result<void> {
    if (g.number == field::location_id) {
      id = g.value;
    } else if (g.number == field::location_address) {
      address = g.value;
    } else if (g.number == field::location_line) {
      ZKBENCH_TRY(expect_bytes(g, line_offset, "location line"));
      std::uint64_t function_id = 0;
      ZKBENCH_TRY(for_each_field(g.bytes, line_offset, [&](const ProtoField& h, std::size_t) -> Result<void> {
        if (h.number == field::line_function_id) {
          function_id = h.value;
        }
        return {};
      }));
      functions.push_back(function_id);
    }
    return {};
  };
  ZKBENCH_TRY(for_each_field(f.bytes, offset, location_field));
  tables.locations[id] = std::move(functions);
  tables.location_addresses[id] = address;
  return {};
}

Result<void> parse_function(const ProtoField& f, std::size_t offset, Tables& tables) {
  ZKBENCH_TRY(expect_bytes(f, offset, "function"));
  std::uint64_t id = 0;
  std::uint64_t name = 0;
  ZKBENCH_TRY(for_each_field(f.bytes, offset, [&](const ProtoField& g, std::size_t) -> Result<void> {
    if (g.number == field::function_id) {
      id = g.value;
    } else if (g.number == field::function_name) {
      name = g.value;
    }
    return {};
  }));
  tables.function_names[id] = name;
  return {};
}

Result<Tables> read_tables(std::string_view data) {
  Tables tables;
  const auto top_level_field = [&](const ProtoField& f, std::size_t offset) -> Result<void> {
    switch (f.number) {
    case field::sample_type: {
      ZKBENCH_TRY_ASSIGN(vt, parse_value_type(f, offset));
      tables.sample_types.push_back(*vt);
      return {};
    }
    case field::sample:
      ZKBENCH_TRY(expect_bytes(f, offset, "sample"));
      tables.samples.push_back(RawMessage{f.bytes, offset});
      return {};
    case field::location:
      return parse_location(f, offset, tables);
    case field::function:
      return parse_function(f, offset, tables);
    case field::string_table:
      ZKBENCH_TRY(expect_bytes(f, offset, "string_table entry"));
      tables.strings.push_back(f.bytes);
      return {};
    case field::duration_nanos:
      tables.duration_nanos = static_cast<std::int64_t>(f.value);
      return {};
    case field::default_sample_type:
      tables.default_sample_type = f.value;
      return {};
    default:
      return {}; // mapping, comments, period...: not needed for the figures
    }
  };
  ZKBENCH_TRY(for_each_field(data, 0, top_level_field));
  return tables;
}

Result<std::string_view> string_at(const Tables& tables, std::uint64_t index, const char* what) {
  if (index >= tables.strings.size()) {
    return make_error(fmt::format("pprof: {} refers to string {} but string_table has {} entries", what, index,
                                  tables.strings.size()));
  }
  return tables.strings[static_cast<std::size_t>(index)];
}

Result<std::size_t> choose_sample_type(const Tables& tables) {
  if (tables.sample_types.empty()) {
    return make_error("pprof: the profile has no sample_type");
  }
  for (std::size_t i = 0; i < tables.sample_types.size(); ++i) {
    ZKBENCH_TRY_ASSIGN(type, string_at(tables, tables.sample_types[i].type, "sample_type"));
    if (*type == "cycles") {
      return i;
    }
  }
  if (tables.default_sample_type != 0) {
    for (std::size_t i = 0; i < tables.sample_types.size(); ++i) {
      if (tables.sample_types[i].type == tables.default_sample_type) {
        return i;
      }
    }
  }
  return tables.sample_types.size() - 1;
}

// Expands the locations of one sample into function ids, leaf first (a location's first line is its
// innermost inlined frame).
class FrameResolver {
public:
  FrameResolver(const Tables& tables, StackTotals& totals) : m_tables(tables), m_totals(totals) {}

  Result<void> append_location(std::uint64_t location_id, std::vector<std::uint32_t>& stack) {
    const auto loc = m_tables.locations.find(location_id);
    if (loc == m_tables.locations.end()) {
      return make_error(fmt::format("pprof: a sample references unknown location id {}", location_id));
    }
    if (loc->second.empty()) {
      // Unsymbolized: pprof names such a frame by its address.
      const std::uint64_t address = m_tables.location_addresses.at(location_id);
      stack.push_back(m_totals.intern(fmt::format("0x{:x}", address)));
      return {};
    }
    for (const std::uint64_t function_id : loc->second) {
      ZKBENCH_TRY_ASSIGN(id, function(function_id, location_id));
      stack.push_back(*id);
    }
    return {};
  }

private:
  Result<std::uint32_t> function(std::uint64_t function_id, std::uint64_t location_id) {
    if (const auto cached = m_ids.find(function_id); cached != m_ids.end()) {
      return cached->second;
    }
    const auto fn = m_tables.function_names.find(function_id);
    if (fn == m_tables.function_names.end()) {
      return make_error(
          fmt::format("pprof: location {} references unknown function id {}", location_id, function_id));
    }
    ZKBENCH_TRY_ASSIGN(name, string_at(m_tables, fn->second, "function name"));
    const std::uint32_t id = m_totals.intern(*name);
    m_ids.emplace(function_id, id);
    return id;
  }

  const Tables& m_tables;
  StackTotals& m_totals;
  std::unordered_map<std::uint64_t, std::uint32_t> m_ids;
};

} // namespace

Result<PprofProfile> parse_pprof(std::string_view data) {
  ZKBENCH_TRY_ASSIGN(inflated, inflate_if_gzip(data));
  ZKBENCH_TRY_ASSIGN(tables, read_tables(*inflated));
  ZKBENCH_TRY_ASSIGN(chosen, choose_sample_type(*tables));
  PprofProfile profile;
  for (const ValueType& vt : tables->sample_types) {
    ZKBENCH_TRY_ASSIGN(type, string_at(*tables, vt.type, "sample_type"));
    ZKBENCH_TRY_ASSIGN(unit, string_at(*tables, vt.unit, "sample_type unit"));
    profile.sample_types.push_back(fmt::format("{}/{}", *type, *unit));
  }
  profile.sample_type = std::string(*string_at(*tables, tables->sample_types[*chosen].type, "sample_type"));
  profile.unit = std::string(*string_at(*tables, tables->sample_types[*chosen].unit, "sample_type unit"));
  profile.duration_nanos = tables->duration_nanos;

  StackTotals totals;
  FrameResolver resolver(*tables, totals);
  std::vector<std::uint64_t> location_ids;
  std::vector<std::uint64_t> values;
  std::vector<std::uint32_t> stack;
  for (const RawMessage& sample : tables->samples) {
    location_ids.clear();
    values.clear();
    stack.clear();
    const auto sample_field = [&](const ProtoField& f, std::size_t) -> Result<void> {
      if (f.number == field::sample_location_id) {
        return append_repeated_varints(f, location_ids);
      }
      if (f.number == field::sample_value) {
        return append_repeated_varints(f, values);
      }
      return {};
    };
    ZKBENCH_TRY(for_each_field(sample.bytes, sample.offset, sample_field));
    if (values.size() != tables->sample_types.size()) {
      return make_error(fmt::format("pprof: sample at byte {} has {} values but the profile has {} sample types",
                                    sample.offset, values.size(), tables->sample_types.size()));
    }
    for (const std::uint64_t location_id : location_ids) {
      ZKBENCH_TRY(resolver.append_location(location_id, stack));
    }
    // int64 values travel as two's-complement varints.
    totals.add_sample(stack, static_cast<std::int64_t>(values[*chosen]));
    ++profile.sample_count;
  }
  profile.total = totals.total();
  profile.functions = totals.functions();
  return profile;
}

bool sniff_pprof(std::string_view head) {
  if (is_gzip(head)) {
    return true; // gzip-compressed profiles are pprof's default on disk; other formats are text
  }
  // Field 1 (sample_type), wire type 2, then a short length and a ValueType starting with field 1 varint.
  // Go writes sample_type first; RISC Zero's prost encoder does too.
  return head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0x0a &&
         static_cast<unsigned char>(head[1]) < 0x80 && static_cast<unsigned char>(head[2]) == 0x08;
}

Result<Profile> parse_pprof_stream(std::istream& in, std::string_view origin) {
  const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    return make_error(fmt::format("{}: read error", origin));
  }
  ZKBENCH_TRY_ASSIGN(parsed, with_context(parse_pprof(data), origin));
  Profile profile;
  profile.source = Source{SourceKind::pprof, fmt::format("{}/{}", parsed->sample_type, parsed->unit),
                          std::string(origin)};
  const bool cycles = parsed->sample_type == "cycles" || parsed->unit == "cycles";
  const Metric metric = cycles ? Metric::cycles : Metric::steps;
  if (!cycles) {
    profile.notes.push_back(fmt::format("pprof sample type {}/{} is reported as steps in {}",
                                        parsed->sample_type, parsed->unit, parsed->unit));
  }
  add_to_profile(parsed->total, parsed->functions, metric, profile);
  return profile;
}

} // namespace zkbench::profile
