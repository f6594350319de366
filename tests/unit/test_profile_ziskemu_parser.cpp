#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "profile/parse.hpp"
#include "profile/ziskemu_parser.hpp"
#include "support/fixtures.hpp"

using namespace zkbench::profile;
using zkbench::test::fixture_path;

namespace {

Profile parse_fixture(const std::string& name) {
  auto result = parse_profile_file(fixture_path("zisk/" + name));
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result ? *result : Profile{};
}

const OpcodeCost* find_op(const std::vector<OpcodeCost>& ops, const std::string& name) {
  for (const auto& op : ops) {
    if (op.name == name) {
      return &op;
    }
  }
  return nullptr;
}

} // namespace

TEST(ZiskemuParser, reads_the_X_report_totals_distribution_and_opcodes) {
  const Profile p = parse_fixture("ziskemu_X_report_book_v0.18-era.txt");
  EXPECT_EQ(p.source.kind, SourceKind::ziskemu);
  EXPECT_EQ(p.source.version, "v0.16.0+"); // TOTAL row and a count-% column, no VARIABLE
  EXPECT_EQ(p.totals.figures.steps, 92875129u);
  EXPECT_EQ(p.totals.figures.cost, 11437643381u);
  ASSERT_EQ(p.totals.cost_distribution.size(), 5u);
  EXPECT_EQ(p.totals.category("BASE"), 293601280u);
  EXPECT_EQ(p.totals.category("MAIN"), 6315508772u);
  EXPECT_EQ(p.totals.category("OPCODES"), 1334639984u);
  EXPECT_EQ(p.totals.category("PRECOMPILES"), 2565960716u);
  EXPECT_EQ(p.totals.category("MEMORY"), 927932629u);
  EXPECT_EQ(p.totals.variable_cost(), 11437643381u - 293601280u);
  ASSERT_EQ(p.totals.other.size(), 2u);
  EXPECT_EQ(p.totals.other[0].name, "FROPS");
  EXPECT_EQ(p.totals.other[0].value, 963440253u);
  EXPECT_EQ(p.totals.other[1].name, "RAM USAGE");
  EXPECT_EQ(p.totals.other[1].value, 18465008u);

  ASSERT_EQ(p.opcodes.size(), 36u);
  EXPECT_EQ(p.opcodes.front().name, "ltu");
  EXPECT_EQ(p.opcodes.front().count, 1767360u);
  EXPECT_EQ(p.opcodes.front().cost, 106041600u);
  const OpcodeCost* keccak = find_op(p.opcodes, "keccak");
  ASSERT_NE(keccak, nullptr);
  EXPECT_EQ(keccak->count, 32650u);
  EXPECT_EQ(keccak->cost, 2466707500u);
  EXPECT_EQ(keccak->rank, 1);
  EXPECT_TRUE(keccak->is_precompile());
  const OpcodeCost* add = find_op(p.opcodes, "add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->count, 7086411u);
  EXPECT_EQ(add->cost, 177160275u);
  EXPECT_EQ(add->rank, 4);
  EXPECT_FALSE(add->is_precompile());
  EXPECT_EQ(find_op(p.opcodes, "fcall_get")->count, 156u);
  EXPECT_FALSE(find_op(p.opcodes, "xor")->rank.has_value());

  ASSERT_EQ(p.frops.size(), 18u);
  const OpcodeCost* sll = find_op(p.frops, "sll");
  ASSERT_NE(sll, nullptr);
  EXPECT_EQ(sll->count, 8729869u);
  EXPECT_EQ(sll->cost, 462683057u);
  EXPECT_NEAR(*sll->hit_fraction, 0.8491, 1e-9);
  EXPECT_EQ(sll->rank, 1);
  EXPECT_TRUE(p.notes.empty());
}

TEST(ZiskemuParser, records_top_tables_as_inclusive_and_joins_steps_with_cost) {
  const Profile p = parse_fixture("ziskemu_XS_top_functions_book.txt");
  EXPECT_EQ(p.source.version, "v0.16.1+");
  ASSERT_EQ(p.functions.size(), 16u); // 16 step rows; the 6 cost rows join them
  const FunctionProfile& first = p.functions[0];
  EXPECT_EQ(first.name, "<reth_evm::execute::BasicBlockExecutor<&reth_evm");
  EXPECT_EQ(first.inclusive.steps, 54831894u);
  EXPECT_EQ(first.inclusive.cost, 5255204123u);
  EXPECT_EQ(first.calls, 1u);
  EXPECT_FALSE(first.exclusive.steps.has_value());
  const FunctionProfile* keccak = p.find("ziskos::zisklib::lib::keccak256::keccak256");
  ASSERT_NE(keccak, nullptr);
  EXPECT_EQ(keccak->inclusive.steps, 13714388u);
  EXPECT_EQ(keccak->inclusive.cost, 3759934537u);
  EXPECT_EQ(keccak->calls, 10505u);
  EXPECT_NEAR(*keccak->per_call(Metric::steps, Scope::inclusive), 13714388.0 / 10505.0, 1e-9);
  // Truncated names repeat: three distinct call_helpers rows stay three entries.
  int call_helpers = 0;
  for (const auto& f : p.functions) {
    call_helpers += f.name == "revm_interpreter::instructions::contract::call_h" ? 1 : 0;
  }
  EXPECT_EQ(call_helpers, 3);
  // The second Node<…memoiz row (41,590 calls) has no cost row: it must not take the first one's cost.
  EXPECT_EQ(p.functions[5].calls, 41590u);
  EXPECT_FALSE(p.functions[5].inclusive.cost.has_value());
  EXPECT_EQ(p.functions[3].inclusive.cost, 4530507470u);
}

TEST(ZiskemuParser, reads_detail_function_blocks_with_opcodes_and_callers) {
  const Profile p = parse_fixture("ziskemu_XSD_detail_function_book.txt");
  ASSERT_EQ(p.functions.size(), 1u);
  const FunctionProfile& f = p.functions[0];
  EXPECT_EQ(f.name, "ziskos::zisklib::lib::keccak256::keccak256");
  EXPECT_EQ(f.inclusive.steps, 13714388u);
  EXPECT_EQ(f.inclusive.cost, 3759934537u);
  ASSERT_EQ(f.opcodes.size(), 12u);
  EXPECT_EQ(f.opcodes[4].name, "or");
  EXPECT_EQ(f.opcodes[4].count, 2489249u);
  EXPECT_EQ(f.opcodes[4].cost, 149354940u);
  EXPECT_EQ(f.opcodes[4].rank, 2);
  EXPECT_EQ(f.opcodes.back().name, "keccak");
  EXPECT_EQ(f.opcodes.back().cost, 2466707500u);
  ASSERT_EQ(f.callers.size(), 10u);
  EXPECT_EQ(f.callers[0].name, "<zeth_mpt_state::SparseState as stateless::trie::State");
  EXPECT_EQ(f.callers[0].calls, 3974u);
  EXPECT_EQ(f.callers[0].figures.steps, 9749694u);
  EXPECT_EQ(f.callers[9].name, "alloy_primitives::utils::keccak256_impl");
  EXPECT_EQ(f.callers[9].calls, 58u);
  EXPECT_EQ(f.callers[9].figures.steps, 110681u);
  EXPECT_TRUE(p.opcodes.empty()); // the block's opcodes are the function's, not the program's
}

TEST(ZiskemuParser, reads_cost_tables_with_truncated_repeated_names) {
  const Profile p = parse_fixture("ziskemu_top_cost_roi_filter_book.txt");
  ASSERT_EQ(p.functions.size(), 32u);
  EXPECT_EQ(p.functions[1].name, p.functions[2].name);
  EXPECT_EQ(p.functions[1].inclusive.cost, 9396093086u);
  EXPECT_EQ(p.functions[2].inclusive.cost, 9377741662u);
  EXPECT_EQ(p.functions[4].name, "revm_interpreter::instructions::stack::swap::<1, revm_interpreter");
  EXPECT_EQ(p.functions[4].calls, 342951u);
  EXPECT_EQ(p.functions.back().inclusive.cost, 229785355u);
  EXPECT_EQ(p.functions.back().calls, 10852u);
}

TEST(ZiskemuParser, reads_profile_tags) {
  const Profile p = parse_fixture("ziskemu_profile_tags_book.txt");
  ASSERT_EQ(p.tags.size(), 3u);
  EXPECT_EQ(p.tags[0].name, "loop_iteration");
  EXPECT_EQ(p.tags[0].figures.steps, 10234567u);
  EXPECT_EQ(p.tags[0].calls, 100u);
  EXPECT_EQ(p.tags[1].name, "hash_phase");
  EXPECT_EQ(p.tags[1].figures.steps, 3456789u);
  EXPECT_EQ(p.tags[1].figures.cost, 456789012u);
  EXPECT_EQ(p.tags[2].name, "total_execution");
  EXPECT_EQ(p.tags[2].figures.cost, 1234567890u);
}

TEST(ZiskemuParser, reads_the_sdk_box_report) {
  const Profile p = parse_fixture("ziskemu_sdk_report_book.txt");
  EXPECT_EQ(p.source.version, "sdk report");
  EXPECT_EQ(p.totals.figures.steps, 92875129u);
  EXPECT_EQ(p.totals.figures.cost, 11437643381u);
  EXPECT_EQ(p.totals.category("Memory"), 927932629u);
  EXPECT_TRUE(p.notes.empty());

  const Profile run = parse_fixture("cargo_zisk_run_p_summary_sdk_book_head.txt");
  EXPECT_EQ(run.totals.figures.steps, 4450270u);
  EXPECT_EQ(run.totals.figures.cost, 787338404u);
  EXPECT_EQ(run.totals.category("PRECOMPILES"), 234155u);
  ASSERT_EQ(run.opcodes.size(), 10u);
  EXPECT_EQ(run.opcodes[0].name, "xor");
  EXPECT_EQ(run.opcodes[0].cost, 41398920u);
  EXPECT_FALSE(run.opcodes[0].count.has_value());
  ASSERT_EQ(run.functions.size(), 25u);
  EXPECT_EQ(run.functions[0].name, "sha2::sha256::compress256");
  EXPECT_EQ(run.functions[0].inclusive.cost, 473976966u);
  EXPECT_EQ(run.functions[6].name, "<&u8 as core::fmt::Debug>::fmt");
  EXPECT_EQ(run.functions[15].name, "memcpy");
  EXPECT_EQ(run.functions[15].inclusive.cost, 117529u);
  EXPECT_TRUE(run.notes.empty()) << run.notes.front();
}

TEST(ZiskemuParser, reads_metrics_line_and_public_outputs) {
  const Profile p = parse_fixture("ziskemu_m_metrics_book_v0.15.0.txt");
  EXPECT_EQ(p.totals.figures.steps, 85309u);
  ASSERT_EQ(p.public_outputs.size(), 3u);
  EXPECT_EQ(p.public_outputs[0], "98211882");
  EXPECT_EQ(p.public_outputs[2], "6ccf1fca");
}

TEST(ZiskemuParser, notes_the_pc_histogram_without_failing) {
  const Profile p = parse_fixture("ziskemu_H_pc_histogram_book.txt");
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("TOP PC HISTOGRAM"), std::string::npos);
  EXPECT_TRUE(p.functions.empty());
}

TEST(ZiskemuParser, rejects_legacy_x_statistics_naming_file_and_line) {
  auto result = parse_profile_file(fixture_path("zisk/ziskemu_x_legacy_stats_book_v0.15.0.txt"));
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("ziskemu_x_legacy_stats_book_v0.15.0.txt:1:"), std::string::npos);
  EXPECT_NE(result.error().message.find("-X"), std::string::npos);
}

TEST(ZiskemuParser, rejects_text_that_is_no_report_naming_file_and_line) {
  auto result = parse_ziskemu("hello\nworld\n", "guest.log");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message.rfind("guest.log:1: not a ziskemu report", 0), 0u) << result.error().message;
  auto detected = parse_profile_file(fixture_path("zisk/cargo_zisk_verify_constraints_book_v0.15.0.txt"));
  ASSERT_FALSE(detected.has_value());
  EXPECT_NE(detected.error().message.find("not a profile zkbench knows"), std::string::npos);
}

TEST(ZiskemuParser, reads_v013_format_without_separators_total_or_call_columns) {
  const std::string text =
      "Loading symbols from ELF file: guest.elf\n"
      "Loaded 1234 function symbols\n"
      "guest says hello\n"
      "REPORT\n"
      "STEPS 85309\n"
      "\n"
      "COST DISTRIBUTION COST %\n"
      "BASE 293601280 52.00%\n"
      "MAIN 5801012 1.03%\n"
      "OPCODES 1000 0.00%\n"
      "PRECOMPILES 0 0.00%\n"
      "MEMORY 2000 0.00%\n"
      "\n"
      "TOP STEP FUNCTIONS\n"
      "    50000  58.61%  main\n"
      "    20000  23.44%  memcpy\n"
      "98211882\n"
      "bd13089b\n";
  auto result = parse_ziskemu(text, "old.txt");
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->source.version, "v0.13–v0.14");
  EXPECT_EQ(result->totals.figures.steps, 85309u);
  EXPECT_FALSE(result->totals.figures.cost.has_value()); // no TOTAL row: not invented
  EXPECT_EQ(result->totals.category("MAIN"), 5801012u);
  ASSERT_EQ(result->functions.size(), 2u);
  EXPECT_EQ(result->functions[1].name, "memcpy");
  EXPECT_EQ(result->functions[1].inclusive.steps, 20000u);
  EXPECT_FALSE(result->functions[1].calls.has_value());
  EXPECT_EQ(result->public_outputs.size(), 2u);
}

TEST(ZiskemuParser, reads_v017_variable_cost_and_skips_unknown_sections_with_a_note) {
  const std::string text =
      "REPORT\n"
      "STEPS                         92,875,129\n"
      "\n"
      "COST DISTRIBUTION                   COST       %\n"
      "MAIN                       6,315,508,772  55.22%\n"
      "OPCODES                    1,334,639,984  11.67%\n"
      "PRECOMPILES                2,565,960,716  22.43%\n"
      "MEMORY                       927,932,629   8.11%\n"
      "------------------------------------------------\n"
      "VARIABLE                  11,144,042,101  97.43%\n"
      "BASE                         293,601,280   2.57%\n"
      "------------------------------------------------\n"
      "TOTAL                     11,437,643,381 100.00%\n"
      "\n"
      "MEMORY REGIONS (START, END, SIZE)\n"
      "0x80000000 0x90000000 12\n"
      "\n"
      "TOP COST FUNCTIONS (COST, % VARIABLE COST, CALLS, COST/CALL, FUNCTION)\n"
      "  5,255,204,123  47.16%          1   5,255,204,123 main\n";
  auto result = parse_ziskemu(text, "new.txt");
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->source.version, "v0.17+");
  EXPECT_EQ(result->totals.variable_cost(), 11144042101u);
  EXPECT_EQ(result->totals.figures.cost, 11437643381u);
  ASSERT_EQ(result->notes.size(), 1u);
  EXPECT_EQ(result->notes[0], "skipped unknown section 'MEMORY REGIONS (START, END, SIZE)' at line 15");
  ASSERT_EQ(result->functions.size(), 1u);
  EXPECT_EQ(result->functions[0].inclusive.cost, 5255204123u);
  EXPECT_EQ(result->functions[0].calls, 1u);
}

TEST(ZiskemuParser, survives_garbage_rows_with_bounded_notes) {
  std::string text = "COST BY OPCODE COUNT COST % RANK\n";
  for (int i = 0; i < 100; ++i) {
    text += "OP ??? 99999999999999999999999 x\n";
  }
  auto result = parse_ziskemu(text, "junk.txt");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->notes.size(), 21u);
  EXPECT_EQ(result->notes.back(), "80 more unrecognized rows not listed");
}

TEST(ZiskemuParser, detail_blocks_join_their_top_table_entry) {
  using zkbench::test::read_file;
  const std::string text = read_file(fixture_path("zisk/ziskemu_X_report_book_v0.18-era.txt")) +
                           read_file(fixture_path("zisk/ziskemu_XS_top_functions_book.txt")) + "\n" +
                           read_file(fixture_path("zisk/ziskemu_XSD_detail_function_book.txt"));
  auto result = parse_ziskemu(text, "xsd.txt");
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(result->functions.size(), 16u); // the DETAIL block adds no entry
  const FunctionProfile* keccak = result->find("ziskos::zisklib::lib::keccak256::keccak256");
  ASSERT_NE(keccak, nullptr);
  EXPECT_EQ(keccak->calls, 10505u);
  EXPECT_EQ(keccak->opcodes.size(), 12u);
  EXPECT_EQ(keccak->callers.size(), 10u);
  EXPECT_EQ(result->opcodes.size(), 36u); // program-wide table untouched by the block's table
  EXPECT_EQ(result->totals.figures.steps, 92875129u);
}

TEST(ZiskemuParser, detail_block_with_the_full_name_upgrades_a_truncated_entry) {
  const std::string text =
      "TOP STEP FUNCTIONS (STEPS, % STEPS, CALLS, STEPS/CALL, FUNCTION)\n"
      "     14,299,020  15.40%        618          23,137 revm_interpreter::instructions::contract::call_h\n"
      "\n"
      "DETAIL FUNCTION revm_interpreter::instructions::contract::call_helpers::load_account\n"
      "STEPS                         14,299,020  15.40%\n";
  auto result = parse_ziskemu(text, "d.txt");
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->functions.size(), 1u);
  EXPECT_EQ(result->functions[0].name, "revm_interpreter::instructions::contract::call_helpers::load_account");
  EXPECT_EQ(result->functions[0].calls, 618u);
}

namespace {

std::size_t truncation_notes(const Profile& profile) {
  return static_cast<std::size_t>(std::count_if(profile.notes.begin(), profile.notes.end(), [](const std::string& note) {
    return note.find("the report looks truncated") != std::string::npos;
  }));
}

} // namespace

TEST(ProfileZiskemuParser, a_report_cut_before_its_keccak_row_says_it_looks_truncated) {
  const std::string whole = zkbench::test::read_file(fixture_path("zisk/ziskemu_X_report_book_v0.18-era.txt"));
  const auto intact = parse_ziskemu(whole, "whole.txt");
  ASSERT_TRUE(intact) << intact.error().message;
  EXPECT_EQ(truncation_notes(*intact), 0U);

  // Cut at the start of the keccak row (a clean line boundary): the costliest row (#1) and every row
  // after it are lost, and the opcode costs no longer add up to OPCODES + PRECOMPILES.
  const std::string cut = whole.substr(0, whole.find("OP keccak"));
  const auto truncated = parse_ziskemu(cut, "cut.txt");
  ASSERT_TRUE(truncated) << truncated.error().message;
  ASSERT_EQ(truncation_notes(*truncated), 1U);
  const auto note = std::find_if(truncated->notes.begin(), truncated->notes.end(), [](const std::string& n) {
    return n.find("truncated") != std::string::npos;
  });
  EXPECT_NE(note->find("COST BY OPCODE rows add up to"), std::string::npos) << *note;
  EXPECT_NE(note->find("less than OPCODES + PRECOMPILES (3900600700)"), std::string::npos) << *note;

  // Cut in the middle of a line.
  const std::string mid_line = whole.substr(0, whole.find("FROP divu") + 7);
  const auto cut_line = parse_ziskemu(mid_line, "mid.txt");
  ASSERT_TRUE(cut_line) << cut_line.error().message;
  EXPECT_EQ(truncation_notes(*cut_line), 1U);
}

TEST(ProfileZiskemuParser, no_fixture_of_a_whole_report_looks_truncated) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fixture_path("zisk"))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("ziskemu_", 0) != 0 || name.find("legacy") != std::string::npos || name.find("_head") != std::string::npos) {
      continue;
    }
    const auto parsed = parse_ziskemu(zkbench::test::read_file(entry.path()), name);
    if (parsed) { // some fixtures are not reports at all (track_call_args): their tests say so
      EXPECT_EQ(truncation_notes(*parsed), 0U) << name;
      ++checked;
    }
  }
  EXPECT_GE(checked, 8);
}
