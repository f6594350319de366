// workflow/prepared_input: an input's commands expanded once (generator, benchmark command, verifier,
// correctness command and its output files) with its scratch folder, and how its runs' metrics are read.
#include <gtest/gtest.h>

#include "project/command_template.hpp"
#include "provers/output_metrics.hpp"
#include "support/fixtures.hpp"
#include "support/model_project.hpp"
#include "workflow/prepared_input.hpp"

namespace zkbench::workflow {
namespace {

using test::Ready;

TEST(WorkflowPreparedInput, prepare_input_expands_the_commands_of_an_input_once_with_its_scratch_folder) {
  Ready r("  - name: g\n    generate:\n      command: \"gen {seed} {output}\"\n      seed: 7\n",
          "  verify: \"verify {out}\"\n");
  const project::InputSpec& file = r.ws.project.inputs.inputs.front();
  auto prepared = prepare_input(r.ws.project.config, file);
  ASSERT_TRUE(prepared) << prepared.error().message;
  const std::filesystem::path out = scratch_dir(r.ws.project.config, file);
  EXPECT_TRUE(std::filesystem::is_directory(out));
  EXPECT_EQ(prepared->spec.name, file.name);
  EXPECT_EQ(prepared->values.at("out"), out.string());
  EXPECT_EQ(prepared->command, "prog " + project::shell_quote(file.path.string()));
  EXPECT_EQ(prepared->correctness, prepared->command);
  EXPECT_EQ(prepared->verify, "verify " + project::shell_quote(out.string()));
  EXPECT_FALSE(prepared->generator) << "a file input has no generator";

  const project::InputSpec& generated = r.ws.project.inputs.inputs.back();
  auto made = prepare_input(r.ws.project.config, generated);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->generator, "gen 7 " + project::shell_quote(generated.path.string()));
}

TEST(WorkflowPreparedInput, correctness_outputs_and_metric_files_are_expanded_once_into_paths) {
  Ready r("", "  outputs: [\"{out}/proof.bin\", \"result-{input_name}.txt\"]\n");
  r.ws.project.config.benchmark.metric_files["size"] = "{out}/proof.bin";
  r.ws.project.config.benchmark.metric_files["cycles"] = "cycles-{input_name}.txt";
  const project::InputSpec& input = r.ws.project.inputs.inputs.front();
  auto prepared = prepare_input(r.ws.project.config, input);
  ASSERT_TRUE(prepared) << prepared.error().message;
  const std::filesystem::path out = scratch_dir(r.ws.project.config, input);
  ASSERT_EQ(prepared->outputs.size(), 2u);
  EXPECT_EQ(prepared->outputs[0].first, "{out}/proof.bin"); // as written: hashed with the content
  EXPECT_EQ(prepared->outputs[0].second, out / "proof.bin");
  // Relative: to the checkout the command ran in.
  EXPECT_EQ(prepared->outputs[1].second, std::filesystem::path("result-" + input.name + ".txt"));
  EXPECT_EQ(prepared->metric_files.at("size"), out / "proof.bin");
  EXPECT_EQ(prepared->metric_files.at("cycles"), std::filesystem::path("cycles-" + input.name + ".txt"));
  ASSERT_EQ(prepared->metrics.size(), 1u); // zkbench.yaml's steps pattern, parsed
  EXPECT_EQ(prepared->metrics.front().name, "steps");
  EXPECT_FALSE(prepared->figures) << "no prover_metrics configured";
}

TEST(WorkflowPreparedInput, a_prover_metrics_setting_reads_the_provers_report_from_the_output) {
  Ready r("", "");
  r.ws.project.config.benchmark.prover_metrics = provers::ProverKind::zisk;
  auto prepared = prepare_input(r.ws.project.config, r.ws.project.inputs.inputs.front());
  ASSERT_TRUE(prepared) << prepared.error().message;
  ASSERT_TRUE(prepared->figures);
  // The same figures as the prover's own parsers read from a real ziskemu output.
  const std::string output = test::read_file(test::fixture_path("zisk/ziskemu_m_metrics_book_v0.15.0.txt"));
  EXPECT_EQ(prepared->figures(output), provers::prover_output_metrics(provers::ProverKind::zisk, output));
  EXPECT_DOUBLE_EQ(prepared->figures(output).at("steps"), 85309);
}

TEST(WorkflowPreparedInput, a_metric_whose_pattern_does_not_parse_is_an_error_naming_it) {
  Ready r("", "");
  r.ws.project.config.benchmark.metrics["broken"] = "steps: ([0-9]+"; // a project built in code, never checked
  auto prepared = prepare_input(r.ws.project.config, r.ws.project.inputs.inputs.front());
  ASSERT_FALSE(prepared);
  EXPECT_NE(prepared.error().message.find("benchmark.metrics.broken"), std::string::npos) << prepared.error().message;
}

} // namespace
} // namespace zkbench::workflow
