#include <gtest/gtest.h>

#include "gpu/nvidia_smi.hpp"
#include "support/fixtures.hpp"
#include "support/nvidia_capture.hpp"

using namespace zkbench;
using namespace zkbench::gpu;
using zkbench::test::h100_section;

namespace {

constexpr double k_mib = 1024.0 * 1024.0;

QueryRow only_row(const std::string& text, const std::vector<std::string>& requested = {}) {
  auto rows = parse_query_csv(text, requested);
  EXPECT_TRUE(rows) << (rows ? "" : rows.error().message);
  EXPECT_EQ(rows->size(), 1u);
  return rows->front();
}

// The PROJECTION fixture holds four header+row pairs separated by "## " lines.
std::string projection_block(int n) {
  const std::string text =
      test::read_file(test::fixture_path("nvidia/PROJECTION_query_gpu_selected_columns.txt"));
  std::istringstream in(text);
  std::string line;
  std::string block;
  int seen = -1;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      ++seen;
      continue;
    }
    if (seen == n && !line.empty() && line[0] != '#') {
      block += line + "\n";
    }
  }
  return block;
}

} // namespace

TEST(GpuNvidiaSmi, reads_h100_idle_row_of_the_full_capture) {
  const QueryRow row = only_row(h100_section("idle :: query-gpu (csv, what the exporter parses)"),
                                query_fields());
  EXPECT_EQ(row.size(), 212u);
  const GpuSample sample = sample_from_row(row);
  EXPECT_EQ(sample.temperature_c, 41.0);
  EXPECT_EQ(sample.utilization_pct, 0.0);
  EXPECT_EQ(sample.memory_used_bytes, 0.0);
  EXPECT_DOUBLE_EQ(*sample.power_w, 69.85);
  EXPECT_EQ(sample.sm_clock_mhz, 345.0);
  EXPECT_EQ(sample.clock_event_reasons, 0x1u); // gpu_idle
  EXPECT_FALSE(sample.total_energy_mj);        // not a CSV field

  const GpuInfo info = info_from_row(row);
  EXPECT_EQ(info.name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(info.driver_version, "590.48.01");
  EXPECT_EQ(info.compute_capability, "9.0");
  EXPECT_EQ(info.index, 0);
  EXPECT_DOUBLE_EQ(*info.memory_total_bytes, 81559 * k_mib);
}

TEST(GpuNvidiaSmi, reads_h100_load_row_of_the_full_capture) {
  const QueryRow row = only_row(h100_section("load :: query-gpu (csv, what the exporter parses)"),
                                query_fields());
  const GpuSample sample = sample_from_row(row);
  EXPECT_EQ(sample.temperature_c, 59.0);
  EXPECT_EQ(sample.utilization_pct, 100.0);
  EXPECT_DOUBLE_EQ(*sample.memory_used_bytes, 19818 * k_mib);
  EXPECT_DOUBLE_EQ(*sample.power_w, 631.95);
  EXPECT_EQ(sample.sm_clock_mhz, 1980.0);
  EXPECT_EQ(sample.clock_event_reasons, 0x0u);
  EXPECT_EQ(row.at("clocks_event_reasons.supported"), "0x00000000000001FF");
  EXPECT_EQ(row.at("temperature.memory"), "54");
}

TEST(GpuNvidiaSmi, na_values_read_as_missing) {
  const QueryRow row = only_row(h100_section("load :: query-gpu (csv, what the exporter parses)"));
  EXPECT_EQ(row.at("module.power.draw.average"), "[N/A]");
  EXPECT_FALSE(parse_value(row.at("module.power.draw.average")));
  EXPECT_FALSE(parse_value("[Not Supported]"));
  EXPECT_FALSE(parse_value("N/A"));
  EXPECT_FALSE(parse_value("Not Active"));
  EXPECT_EQ(parse_value("0x00000000000001FF"), 511.0);
  EXPECT_EQ(parse_value("0 us"), 0.0);
}

TEST(GpuNvidiaSmi, not_supported_power_leaves_power_missing_but_keeps_the_rest) {
  const std::string text = "index, name, temperature.gpu, utilization.gpu [%], power.draw [W]\n"
                           "0, NVIDIA GeForce GTX 1050, 35, 3 %, [Not Supported]\n";
  const GpuSample sample = sample_from_row(only_row(text, query_fields()));
  EXPECT_FALSE(sample.power_w);
  EXPECT_EQ(sample.temperature_c, 35.0);
  EXPECT_EQ(sample.utilization_pct, 3.0);
}

TEST(GpuNvidiaSmi, reads_every_projection_block) {
  struct Expected {
    std::string name;
    double temperature;
    double utilization;
    double memory_mib;
    double power;
    double sm_mhz;
    std::uint64_t reasons;
  };
  const std::vector<Expected> expected = {
      {"NVIDIA H100 80GB HBM3", 41, 0, 0, 69.85, 345, 1},
      {"NVIDIA H100 80GB HBM3", 59, 100, 19818, 631.95, 1980, 0},
      {"NVIDIA H200", 28, 0, 0, 77.71, 345, 1},
      {"NVIDIA H200", 52, 100, 32362, 627.40, 1980, 0},
  };
  for (int i = 0; i < 4; ++i) {
    const QueryRow row = only_row(projection_block(i));
    const GpuSample sample = sample_from_row(row);
    EXPECT_EQ(info_from_row(row).name, expected[i].name) << i;
    EXPECT_EQ(sample.temperature_c, expected[i].temperature) << i;
    EXPECT_EQ(sample.utilization_pct, expected[i].utilization) << i;
    EXPECT_DOUBLE_EQ(*sample.memory_used_bytes, expected[i].memory_mib * k_mib) << i;
    EXPECT_DOUBLE_EQ(*sample.power_w, expected[i].power) << i;
    EXPECT_EQ(sample.sm_clock_mhz, expected[i].sm_mhz) << i;
    EXPECT_EQ(sample.clock_event_reasons, expected[i].reasons) << i;
  }
}

TEST(GpuNvidiaSmi, builds_the_reason_mask_from_old_throttle_columns) {
  const std::string text = test::read_file(
      test::fixture_path("nvidia/nvidia_smi_csv_clocks_throttle_reasons__gist_senecaso_2017.txt"));
  auto rows = parse_query_csv(text);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  const GpuSample first = sample_from_row(rows->at(0));
  EXPECT_EQ(first.clock_event_reasons, 0u); // all "Not Active"
  EXPECT_EQ(first.temperature_c, 69.0);
  EXPECT_EQ(first.utilization_pct, 68.0);
  EXPECT_EQ(first.sm_clock_mhz, 131.0);
  EXPECT_EQ(sample_from_row(rows->at(1)).utilization_pct, 64.0);

  const std::string throttled = "clocks_throttle_reasons.sw_power_cap, clocks_throttle_reasons.hw_slowdown\n"
                                "Active, Not Active\n";
  EXPECT_EQ(sample_from_row(only_row(throttled)).clock_event_reasons, reason::sw_power_cap);
}

TEST(GpuNvidiaSmi, reads_misc_public_examples_including_two_gpus) {
  const std::string text =
      test::read_file(test::fixture_path("nvidia/nvidia_smi_csv_misc_public_examples.txt"));
  // Three tables in one file, each introduced by a "# (x)" comment.
  std::vector<std::string> tables;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# (", 0) == 0) {
      tables.emplace_back();
    } else if (!tables.empty()) {
      tables.back() += line + "\n";
    }
  }
  ASSERT_EQ(tables.size(), 3u);

  auto a = parse_query_csv(tables[0]);
  ASSERT_TRUE(a);
  EXPECT_DOUBLE_EQ(*sample_from_row(a->at(0)).memory_used_bytes, 1081 * k_mib);
  EXPECT_DOUBLE_EQ(*info_from_row(a->at(0)).memory_total_bytes, 8192 * k_mib);

  auto b = parse_query_csv(tables[1]);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->size(), 3u);
  EXPECT_DOUBLE_EQ(*sample_from_row(b->at(2)).power_w, 443.86);
  EXPECT_EQ(sample_from_row(b->at(2)).temperature_c, 90.0);

  auto c = parse_query_csv(tables[2]);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ(info_from_row(c->at(1)).index, 1);
  EXPECT_EQ(info_from_row(c->at(1)).driver_version, "515.65.01");
  EXPECT_DOUBLE_EQ(*sample_from_row(c->at(1)).memory_used_bytes, 1 * k_mib);
  EXPECT_EQ(sample_from_row(c->at(1)).temperature_c, 37.0);
}

TEST(GpuNvidiaSmi, maps_noheader_output_by_requested_order) {
  const std::string text = "0, NVIDIA H100 80GB HBM3, 590.48.01, 9.0, 81559, 19818, 59, 100, 631.95, "
                           "1980, 0x0000000000000004\n";
  const QueryRow row = only_row(text, query_fields());
  const GpuSample sample = sample_from_row(row);
  EXPECT_EQ(sample.clock_event_reasons, reason::sw_power_cap);
  EXPECT_DOUBLE_EQ(*sample.memory_used_bytes, 19818 * k_mib);
  EXPECT_DOUBLE_EQ(*sample.power_w, 631.95);
}

TEST(GpuNvidiaSmi, canonical_names_merge_old_and_new_spellings) {
  EXPECT_EQ(canonical_field("clocks_throttle_reasons.active"), "clocks_event_reasons.active");
  EXPECT_EQ(canonical_field(" utilization.gpu [%]"), "utilization.gpu");
  EXPECT_EQ(canonical_field("clocks.sm [MHz]"), "clocks.current.sm");
}

TEST(GpuNvidiaSmi, reports_nvidia_smi_errors_and_bad_lines) {
  auto invalid = parse_query_csv("Field \"compute_cap\" is not a valid field to query.\n\n", query_fields());
  ASSERT_FALSE(invalid);
  EXPECT_NE(invalid.error().message.find("is not a valid field"), std::string::npos);

  auto failed = parse_query_csv(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", query_fields());
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("couldn't communicate"), std::string::npos);

  auto short_line = parse_query_csv("index, name, temperature.gpu\n0, X\n");
  ASSERT_FALSE(short_line);
  EXPECT_EQ(short_line.error().message, "nvidia-smi CSV line 2: 2 fields, expected 3");
  EXPECT_FALSE(parse_query_csv(""));
  EXPECT_FALSE(parse_query_csv("index, name\n"));
}

TEST(GpuNvidiaSmi, reads_the_q_report_idle_and_load) {
  auto idle = parse_query_report(h100_section("idle :: query (-q)"));
  ASSERT_TRUE(idle) << idle.error().message;
  EXPECT_EQ(idle->driver_version, "590.48.01");
  EXPECT_EQ(idle->cuda_version, "13.1");
  EXPECT_EQ(idle->attached_gpus, 1);
  ASSERT_EQ(idle->gpus.size(), 1u);
  const auto& gpu = idle->gpus.front();
  EXPECT_EQ(gpu.bus_id, "00000000:00:09.0");
  EXPECT_EQ(gpu.get("Product Name"), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(gpu.get("Product Architecture"), "Hopper");
  EXPECT_EQ(gpu.get("Temperature/GPU Current Temp"), "41 C");
  EXPECT_EQ(gpu.get("FB Memory Usage/Total"), "81559 MiB");
  EXPECT_EQ(gpu.get("PCI/Bus Id"), "00000000:00:09.0");
  EXPECT_EQ(gpu.get("PCI/GPU Link Info/PCIe Generation/Max"), "5");
  EXPECT_EQ(gpu.get("Clocks Event Reasons/Idle"), "Active");
  EXPECT_EQ(gpu.get("Clocks Event Reasons/HW Slowdown/HW Thermal Slowdown"), "Not Active");

  auto load = parse_query_report(h100_section("load :: query (-q)"));
  ASSERT_TRUE(load);
  const auto& busy = load->gpus.front();
  EXPECT_EQ(busy.get("Temperature/GPU Current Temp"), "59 C");
  EXPECT_EQ(busy.get("GPU Power Readings/Average Power Draw"), "629.45 W");
  EXPECT_EQ(busy.get("Clocks/SM"), "1980 MHz");
  EXPECT_EQ(busy.get("GPU Memory Power Readings/Instantaneous Power Draw"), "N/A");
  EXPECT_EQ(parse_value(busy.get("Temperature/GPU Current Temp")), 59.0);
}

TEST(GpuNvidiaSmi, q_report_without_banner_is_an_error) {
  auto result = parse_query_report("NVIDIA-SMI has failed because it couldn't communicate with the "
                                   "NVIDIA driver.\n");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("NVIDIA-SMI has failed"), std::string::npos);
}
