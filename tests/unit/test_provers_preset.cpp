#include <gtest/gtest.h>

#include "provers/metrics.hpp"
#include "provers/preset.hpp"

using namespace zkbench::provers;

TEST(ProversPreset, zisk_templates_expand_to_seed_000_commands) {
  const ProverPreset& zisk = prover_preset(ProverKind::zisk);
  EXPECT_EQ(*expand(zisk.prove, {{"elf", "guest.elf"}, {"input", "block.bin"}, {"out", "/tmp/proof"}}),
            "cargo-zisk prove -e guest.elf -i block.bin -o /tmp/proof -a -u -y");
  EXPECT_EQ(*expand(zisk.verify, {{"proof", "/tmp/proof"}}), "cargo-zisk verify -p /tmp/proof");
  EXPECT_EQ(prover_preset(ProverKind::risc0).env.at("RISC0_INFO"), "1");
  EXPECT_EQ(prover_preset(ProverKind::sp1).version_command,
            (std::vector<std::string>{"cargo", "prove", "--version"}));
}

TEST(ProversPreset, expand_reports_missing_values_and_keeps_escaped_braces) {
  EXPECT_EQ(expand("cargo-zisk verify -p {proof}", {}).error().message,
            "no value for {proof} in 'cargo-zisk verify -p {proof}'");
  EXPECT_FALSE(expand("echo {open", {}));
  EXPECT_EQ(*expand("awk '{{print}}' {f}", {{"f", "x"}}), "awk '{print}' x");
}

TEST(ProversPreset, kinds_parse_and_print) {
  EXPECT_EQ(parse_prover_kind("risczero"), ProverKind::risc0);
  EXPECT_EQ(parse_prover_kind("zisk"), ProverKind::zisk);
  EXPECT_FALSE(parse_prover_kind("jolt"));
  EXPECT_STREQ(to_string(ProverKind::sp1), "sp1");
}

TEST(ProversPreset, metrics_merge_and_names) {
  ProverMetrics a;
  a.steps = 10;
  a.regions["execution"] = 5;
  ProverMetrics b;
  b.steps = 99;
  b.proof_time_s = 2.5;
  b.regions["execution"] = 7;
  b.regions["read_input"] = 1;
  a.merge(b);
  EXPECT_EQ(a.to_metrics(), (std::map<std::string, double>{{"steps", 10},
                                                           {"proof_time_s", 2.5},
                                                           {"region:execution", 5},
                                                           {"region:read_input", 1}}));
}
