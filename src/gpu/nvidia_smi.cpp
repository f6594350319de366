#include "gpu/nvidia_smi.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace zkbench::gpu {

namespace {

constexpr double k_mib = 1024.0 * 1024.0;

// Per-reason columns and their NVML bits (nvidia-smi --help-query-gpu, "clocks_event_reasons.*").
constexpr std::array<std::pair<std::string_view, std::uint64_t>, 9> k_reason_columns = {{
    {"gpu_idle", reason::gpu_idle},
    {"applications_clocks_setting", reason::applications_clocks_setting},
    {"sw_power_cap", reason::sw_power_cap},
    {"hw_slowdown", reason::hw_slowdown},
    {"sync_boost", reason::sync_boost},
    {"sw_thermal_slowdown", reason::sw_thermal_slowdown},
    {"hw_thermal_slowdown", reason::hw_thermal_slowdown},
    {"hw_power_brake_slowdown", reason::hw_power_brake_slowdown},
    {"display_clock_setting", reason::display_clock_setting},
}};

std::optional<std::uint64_t> parse_hex(std::string_view text) {
  text = util::trim(text);
  if (!util::starts_with(text, "0x") && !util::starts_with(text, "0X")) {
    return std::nullopt;
  }
  text.remove_prefix(2);
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> field_number(const QueryRow& row, const std::string& name) {
  const auto it = row.find(name);
  return it == row.end() ? std::nullopt : parse_value(it->second);
}

std::string field_text(const QueryRow& row, const std::string& name) {
  const auto it = row.find(name);
  if (it == row.end() || util::starts_with(it->second, "[") || it->second == "N/A") {
    return {};
  }
  return it->second;
}

// nvidia-smi reports its failures on stdout as plain sentences; recognise the common ones so the
// caller quotes them instead of "line 1: 1 fields, expected 11".
bool looks_like_error(std::string_view line) {
  return line.find("is not a valid field") != std::string_view::npos ||
         line.find("NVIDIA-SMI has failed") != std::string_view::npos ||
         line.find("No devices were found") != std::string_view::npos ||
         util::starts_with(line, "Failed to") || util::starts_with(line, "ERROR");
}

} // namespace

const std::vector<std::string>& query_fields() {
  static const std::vector<std::string> fields = {
      "index",           "name",         "driver_version",    "compute_cap",
      "memory.total",    "memory.used",  "temperature.gpu",   "utilization.gpu",
      "power.draw",      "clocks.current.sm", "clocks_throttle_reasons.active"};
  return fields;
}

const std::vector<std::string>& legacy_query_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> out;
    for (const std::string& field : query_fields()) {
      if (field != "compute_cap") {
        out.push_back(field);
      }
    }
    return out;
  }();
  return fields;
}

std::string canonical_field(std::string_view header) {
  header = util::trim(header);
  if (const auto bracket = header.find(" ["); bracket != std::string_view::npos) {
    header = util::trim(header.substr(0, bracket));
  }
  std::string name(header);
  static constexpr std::string_view k_old = "clocks_throttle_reasons.";
  if (util::starts_with(name, k_old)) {
    name = "clocks_event_reasons." + name.substr(k_old.size());
  }
  static const std::array<std::pair<std::string_view, std::string_view>, 4> k_aliases = {{
      {"clocks.sm", "clocks.current.sm"},
      {"clocks.gr", "clocks.current.graphics"},
      {"clocks.mem", "clocks.current.memory"},
      {"clocks.video", "clocks.current.video"},
  }};
  for (const auto& [alias, full] : k_aliases) {
    if (name == alias) {
      return std::string(full);
    }
  }
  return name;
}

Result<std::vector<QueryRow>> parse_query_csv(std::string_view text,
                                              const std::vector<std::string>& requested) {
  std::vector<std::string> lines;
  for (const std::string& line : util::split(text, '\n')) {
    const std::string_view trimmed = util::trim(line);
    if (!trimmed.empty()) {
      lines.emplace_back(trimmed);
    }
  }
  if (lines.empty()) {
    return make_error("nvidia-smi printed nothing for --query-gpu");
  }
  if (looks_like_error(lines.front())) {
    return make_error(fmt::format("nvidia-smi: {}", lines.front()));
  }

  std::vector<std::string> columns;
  std::size_t first_data = 0;
  const std::vector<std::string> first_cells = util::split(lines.front(), ',');
  // A header names fields, a data line holds values: field names ("index", "memory.used") never
  // appear as values, so one requested name among the first line's cells marks a header.
  bool has_header = requested.empty();
  for (const std::string& cell : first_cells) {
    for (const std::string& field : requested) {
      has_header = has_header || canonical_field(cell) == canonical_field(field);
    }
  }
  if (has_header) {
    for (const std::string& cell : first_cells) {
      columns.push_back(canonical_field(cell));
    }
    first_data = 1;
  } else {
    for (const std::string& field : requested) {
      columns.push_back(canonical_field(field));
    }
  }

  std::vector<QueryRow> rows;
  for (std::size_t i = first_data; i < lines.size(); ++i) {
    const std::vector<std::string> cells = util::split(lines[i], ',');
    if (cells.size() != columns.size()) {
      if (looks_like_error(lines[i])) {
        return make_error(fmt::format("nvidia-smi: {}", lines[i]));
      }
      return make_error(fmt::format("nvidia-smi CSV line {}: {} fields, expected {}", i + 1,
                                    cells.size(), columns.size()));
    }
    QueryRow row;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      row[columns[c]] = std::string(util::trim(cells[c]));
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    return make_error("nvidia-smi --query-gpu printed a header but no GPU line");
  }
  return rows;
}

std::optional<double> parse_value(std::string_view raw) {
  raw = util::trim(raw);
  if (const auto hex = parse_hex(raw)) {
    return static_cast<double>(*hex);
  }
  // "69.85 W", "100 %", "19818 MiB", "1980 MHz", "0 us": the number is the first word.
  if (const auto space = raw.find(' '); space != std::string_view::npos) {
    raw = raw.substr(0, space);
  }
  if (util::ends_with(raw, "%")) {
    raw.remove_suffix(1);
  }
  // parse_number accepts thousands separators; nvidia-smi never prints them, and ',' is the CSV
  // separator anyway, so this only rejects words like "N/A" and "[Not".
  return util::parse_number(raw);
}

GpuSample sample_from_row(const QueryRow& row) {
  GpuSample sample;
  sample.temperature_c = field_number(row, "temperature.gpu");
  sample.utilization_pct = field_number(row, "utilization.gpu");
  if (const auto used = field_number(row, "memory.used")) {
    sample.memory_used_bytes = *used * k_mib;
  }
  sample.power_w = field_number(row, "power.draw");
  if (!sample.power_w) {
    sample.power_w = field_number(row, "power.draw.average"); // some boards report only this
  }
  sample.sm_clock_mhz = field_number(row, "clocks.current.sm");
  if (const auto it = row.find("clocks_event_reasons.active"); it != row.end()) {
    sample.clock_event_reasons = parse_hex(it->second);
  }
  if (!sample.clock_event_reasons) {
    // Older captures list each reason as "Active" / "Not Active" (nvidia_smi_csv_clocks_throttle…).
    std::optional<std::uint64_t> mask;
    for (const auto& [name, bit] : k_reason_columns) {
      const auto it = row.find("clocks_event_reasons." + std::string(name));
      if (it == row.end()) {
        continue;
      }
      if (it->second == "Active") {
        mask = mask.value_or(0) | bit;
      } else if (it->second == "Not Active") {
        mask = mask.value_or(0);
      }
    }
    sample.clock_event_reasons = mask;
  }
  return sample;
}

GpuInfo info_from_row(const QueryRow& row) {
  GpuInfo info;
  if (const auto index = field_number(row, "index")) {
    info.index = static_cast<int>(*index);
  }
  info.name = field_text(row, "name");
  info.driver_version = field_text(row, "driver_version");
  info.compute_capability = field_text(row, "compute_cap");
  if (const auto total = field_number(row, "memory.total")) {
    info.memory_total_bytes = *total * k_mib;
  }
  return info;
}

std::string QueryReport::Gpu::get(const std::string& path) const {
  const auto it = values.find(path);
  return it == values.end() ? std::string() : it->second;
}

Result<QueryReport> parse_query_report(std::string_view text) {
  if (text.find("NVSMI LOG") == std::string_view::npos) {
    const std::string first = util::split(std::string(util::trim(text)), '\n').front();
    return make_error(fmt::format("nvidia-smi -q: no NVSMI LOG in the output ({})",
                                  first.empty() ? "empty output" : first));
  }
  QueryReport report;
  std::vector<std::pair<std::size_t, std::string>> sections; // (indent, name) of open sections
  QueryReport::Gpu* gpu = nullptr;
  for (const std::string& raw_line : util::split(text, '\n')) {
    const std::string_view right_trimmed = util::trim(raw_line).empty()
                                               ? std::string_view()
                                               : std::string_view(raw_line).substr(
                                                     0, raw_line.find_last_not_of(" \t\r") + 1);
    if (right_trimmed.empty() || util::starts_with(right_trimmed, "==")) {
      continue;
    }
    const std::size_t indent = right_trimmed.find_first_not_of(' ');
    const std::string_view body = right_trimmed.substr(indent);
    while (!sections.empty() && sections.back().first >= indent) {
      sections.pop_back();
    }
    // Keys are padded to a column and followed by " : "; section titles have no " : ". Values may
    // contain ':' (bus ids, times), keys never do.
    std::size_t separator = body.find(" : ");
    const bool empty_value = separator == std::string_view::npos && util::ends_with(body, " :");
    if (empty_value) {
      separator = body.size() - 2;
    }
    if (separator == std::string_view::npos) {
      if (indent == 0 && util::starts_with(body, "GPU ")) {
        report.gpus.emplace_back();
        gpu = &report.gpus.back();
        gpu->bus_id = std::string(body.substr(4));
        sections.clear();
        continue;
      }
      sections.emplace_back(indent, std::string(body));
      continue;
    }
    const std::string key(util::trim(body.substr(0, separator)));
    const std::string value(empty_value ? "" : util::trim(body.substr(separator + 3)));
    if (gpu == nullptr || indent == 0) {
      if (key == "Driver Version") {
        report.driver_version = value;
      } else if (key == "CUDA Version") {
        report.cuda_version = value;
      } else if (key == "Attached GPUs") {
        report.attached_gpus = util::parse_int(value).value_or(0);
      }
      continue;
    }
    std::string path;
    for (const auto& section : sections) {
      path += section.second + "/";
    }
    gpu->values[path + key] = value;
    // A key can also head deeper lines ("HW Slowdown : Not Active" over "HW Thermal Slowdown").
    sections.emplace_back(indent, key);
  }
  if (report.driver_version.empty()) {
    return make_error("nvidia-smi -q: no 'Driver Version' line");
  }
  return report;
}

namespace {

class NvidiaSmiSource final : public TelemetrySource {
public:
  NvidiaSmiSource(std::string program, double timeout_s, int index, std::vector<std::string> fields)
      : m_program(std::move(program)), m_timeout_s(timeout_s), m_index(index),
        m_fields(std::move(fields)) {}

  SourceKind kind() const override { return SourceKind::nvidia_smi; }

  Result<GpuInfo> info() override {
    ZKBENCH_TRY_ASSIGN(row, query_row());
    GpuInfo info = info_from_row(*row);
    // The CUDA version is only in -q (and the default table); a failure here leaves it empty.
    auto q = util::capture_output({m_program, "-q", "-i", std::to_string(m_index)}, m_timeout_s);
    if (q && q->exit_code == 0) {
      if (auto report = parse_query_report(q->output)) {
        info.cuda_version = report->cuda_version;
        if (info.driver_version.empty()) {
          info.driver_version = report->driver_version;
        }
        if (info.name.empty() && !report->gpus.empty()) {
          info.name = report->gpus.front().get("Product Name");
        }
      }
    }
    return info;
  }

  Result<GpuSample> sample() override {
    ZKBENCH_TRY_ASSIGN(row, query_row());
    return sample_from_row(*row);
  }

  Result<std::vector<measure::GpuProcess>> compute_processes() override {
    ZKBENCH_TRY_ASSIGN(out, util::capture_output({m_program, "--query-compute-apps=pid,process_name",
                                                  "--format=csv,noheader", "-i", std::to_string(m_index)},
                                                 m_timeout_s));
    if (out->timed_out || out->exit_code != 0) {
      return make_error(fmt::format("{} --query-compute-apps failed (exit code {})", m_program,
                                    out->exit_code.value_or(-1)));
    }
    return parse_compute_apps(out->output);
  }

  Result<QueryRow> query_row() {
    ZKBENCH_TRY_ASSIGN(rows, run_query(m_program, m_timeout_s, m_fields));
    for (std::size_t i = 0; i < rows->size(); ++i) {
      const auto index = field_number((*rows)[i], "index");
      if (index ? static_cast<int>(*index) == m_index : static_cast<int>(i) == m_index) {
        return (*rows)[i];
      }
    }
    return make_error(fmt::format("nvidia-smi: no GPU with index {} ({} listed)", m_index,
                                  rows->size()));
  }

  static Result<std::vector<QueryRow>> run_query(const std::string& program, double timeout_s,
                                                 const std::vector<std::string>& fields) {
    // Plain csv keeps the header, so columns are matched by name whatever the driver prints.
    ZKBENCH_TRY_ASSIGN(
        out, util::capture_output({program, "--query-gpu=" + util::join(fields, ","), "--format=csv,nounits"},
                                  timeout_s));
    if (out->timed_out) {
      return make_error(fmt::format("nvidia-smi did not answer within {:g} s", timeout_s));
    }
    ZKBENCH_TRY_ASSIGN(rows, parse_query_csv(out->output, fields));
    if (out->exit_code != 0) {
      return make_error(fmt::format("nvidia-smi exited with {}", out->exit_code.value_or(-1)));
    }
    return rows;
  }

private:
  std::string m_program;
  double m_timeout_s;
  int m_index;
  std::vector<std::string> m_fields;
};

} // namespace

Result<std::unique_ptr<TelemetrySource>> open_nvidia_smi(const std::string& program, double timeout_s,
                                                         int device_index) {
  if (!util::find_program(program)) {
    return make_error(fmt::format("nvidia-smi: '{}' not found on PATH", program));
  }
  std::vector<std::string> fields = query_fields();
  auto rows = NvidiaSmiSource::run_query(program, timeout_s, fields);
  if (!rows && rows.error().message.find("is not a valid field") != std::string::npos) {
    fields = legacy_query_fields();
    rows = NvidiaSmiSource::run_query(program, timeout_s, fields);
  }
  if (!rows) {
    return tl::unexpected(rows.error());
  }
  auto source = std::make_unique<NvidiaSmiSource>(program, timeout_s, device_index, fields);
  ZKBENCH_TRY(source->query_row());
  return std::unique_ptr<TelemetrySource>(std::move(source));
}

} // namespace zkbench::gpu
