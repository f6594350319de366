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
    auto f = reader.next();
    if (!f) {
      return tl::unexpected(f.error());
    }
    if (auto ok = fn(*f, reader.payload_offset(*f)); !ok) {
      return ok;
    }
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
  if (auto ok = expect_bytes(f, offset, "sample_type"); !ok) {
    return tl::unexpected(ok.error());
  }
  auto ok = for_each_field(f.bytes, offset, [&](const ProtoField& g, std::size_t) -> Result<void> {
    if (g.number == field::value_type_type) {
      vt.type = g.value;
    } else if (g.number == field::value_type_unit) {
      vt.unit = g.value;
    }
    return {};
  });
  if (!ok) {
    return tl::unexpected(ok.error());
  }
  return vt;
}

Result<void> parse_location(const ProtoField& f, std::size_t offset, Tables& tables) {
  if (auto ok = expect_bytes(f, offset, "location"); !ok) {
    return ok;
  }
  std::uint64_t id = 0;
  std::uint64_t address = 0;
  std::vector<std::uint64_t> functions;
  auto ok = for_each_field(f.bytes, offset, [&](const ProtoField& g, std::size_t line_offset) -> Result<void> {
    if (g.number == field::location_id) {
      id = g.value;
    } else if (g.number == field::location_address) {
      address = g.value;
    } else if (g.number == field::location_line) {
      if (auto is_msg = expect_bytes(g, line_offset, "location line"); !is_msg) {
        return is_msg;
      }
      std::uint64_t function_id = 0;
      auto line_ok = for_each_field(g.bytes, line_offset, [&](const ProtoField& h, std::size_t) -> Result<void> {
        if (h.number == field::line_function_id) {
          function_id = h.value;
        }
        return {};
      });
      if (!line_ok) {
        return line_ok;
      }
      functions.push_back(function_id);
    }
    return {};
  });
  if (!ok) {
    return ok;
  }
  tables.locations[id] = std::move(functions);
  tables.location_addresses[id] = address;
  return {};
}

Result<void> parse_function(const ProtoField& f, std::size_t offset, Tables& tables) {
  if (auto ok = expect_bytes(f, offset, "function"); !ok) {
    return ok;
  }
  std::uint64_t id = 0;
  std::uint64_t name = 0;
  auto ok = for_each_field(f.bytes, offset, [&](const ProtoField& g, std::size_t) -> Result<void> {
    if (g.number == field::function_id) {
      id = g.value;
    } else if (g.number == field::function_name) {
      name = g.value;
    }
    return {};
  });
  if (!ok) {
    return ok;
  }
  tables.function_names[id] = name;
  return {};
}

Result<Tables> read_tables(std::string_view data) {
  Tables tables;
  auto ok = for_each_field(data, 0, [&](const ProtoField& f, std::size_t offset) -> Result<void> {
    switch (f.number) {
    case field::sample_type: {
      auto vt = parse_value_type(f, offset);
      if (!vt) {
        return tl::unexpected(vt.error());
      }
      tables.sample_types.push_back(*vt);
      return {};
    }
    case field::sample:
      if (auto is_msg = expect_bytes(f, offset, "sample"); !is_msg) {
        return is_msg;
      }
      tables.samples.push_back(RawMessage{f.bytes, offset});
      return {};
    case field::location:
      return parse_location(f, offset, tables);
    case field::function:
      return parse_function(f, offset, tables);
    case field::string_table:
      if (auto is_msg = expect_bytes(f, offset, "string_table entry"); !is_msg) {
        return is_msg;
      }
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
  });
  if (!ok) {
    return tl::unexpected(ok.error());
  }
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
    auto type = string_at(tables, tables.sample_types[i].type, "sample_type");
    if (!type) {
      return tl::unexpected(type.error());
    }
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
      auto id = function(function_id, location_id);
      if (!id) {
        return tl::unexpected(id.error());
      }
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
    auto name = string_at(m_tables, fn->second, "function name");
    if (!name) {
      return tl::unexpected(name.error());
    }
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
  auto inflated = inflate_if_gzip(data);
  if (!inflated) {
    return tl::unexpected(inflated.error());
  }
  auto tables = read_tables(*inflated);
  if (!tables) {
    return tl::unexpected(tables.error());
  }
  auto chosen = choose_sample_type(*tables);
  if (!chosen) {
    return tl::unexpected(chosen.error());
  }
  PprofProfile profile;
  for (const ValueType& vt : tables->sample_types) {
    auto type = string_at(*tables, vt.type, "sample_type");
    auto unit = string_at(*tables, vt.unit, "sample_type unit");
    if (!type || !unit) {
      return tl::unexpected(!type ? type.error() : unit.error());
    }
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
    auto ok = for_each_field(sample.bytes, sample.offset, [&](const ProtoField& f, std::size_t) -> Result<void> {
      if (f.number == field::sample_location_id) {
        return append_repeated_varints(f, location_ids);
      }
      if (f.number == field::sample_value) {
        return append_repeated_varints(f, values);
      }
      return {};
    });
    if (!ok) {
      return tl::unexpected(ok.error());
    }
    if (values.size() != tables->sample_types.size()) {
      return make_error(fmt::format("pprof: sample at byte {} has {} values but the profile has {} sample types",
                                    sample.offset, values.size(), tables->sample_types.size()));
    }
    for (const std::uint64_t location_id : location_ids) {
      if (auto appended = resolver.append_location(location_id, stack); !appended) {
        return tl::unexpected(appended.error());
      }
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
  auto parsed = parse_pprof(data);
  if (!parsed) {
    return make_error(fmt::format("{}: {}", origin, parsed.error().message));
  }
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
