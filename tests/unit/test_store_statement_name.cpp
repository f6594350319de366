#include <gtest/gtest.h>

#include "store/statement_name.hpp"

TEST(StoreStatementName, a_statement_is_named_by_its_verb_and_first_table_not_its_whole_text) {
  using zkbench::store::statement_name;
  EXPECT_EQ(statement_name("INSERT INTO runs (benchmark_id, idx, wall_s) VALUES (?1, ?2, ?3)"), "INSERT INTO runs");
  EXPECT_EQ(statement_name("\n  SELECT id, name, status\n  FROM experiments e JOIN links l ON ...\n WHERE id = ?1"),
            "SELECT FROM experiments");
  EXPECT_EQ(statement_name("UPDATE experiments SET status = ?1 WHERE id = ?2"), "UPDATE experiments");
  EXPECT_EQ(statement_name("CREATE TABLE IF NOT EXISTS sessions (id INTEGER PRIMARY KEY)"), "CREATE TABLE sessions");
  EXPECT_EQ(statement_name("PRAGMA journal_mode=WAL"), "PRAGMA journal_mode");
  EXPECT_EQ(statement_name(""), "an empty statement");
}
