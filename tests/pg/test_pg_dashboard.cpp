// A dashboard served from PostgreSQL: a real workflow project whose zkbench.yaml names a PostgreSQL
// store measures a baseline and an experiment into it; `zkbench report` writes the dashboard from it
// and `zkbench serve` answers the JSON API from it over real HTTP.

#include <filesystem>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "support/pg_fleet.hpp"
#include "support/serve_client.hpp"
#include "support/workflow_repo.hpp"

using zkbench::test::Background;
using zkbench::test::CliResult;
using zkbench::test::get_json;
using zkbench::test::read_file;
using zkbench::test::served_port;
using zkbench::test::WorkflowRepo;

namespace fs = std::filesystem;

TEST(PgDashboard, report_and_serve_show_a_workflow_kept_in_postgresql) {
  WorkflowRepo repo(3, "0.05");
  const std::string url = zkbench::test::pg_store_url(repo.dir());
  zkbench::test::write_file(repo.dir() / "zkbench.yaml",
                            read_file(repo.dir() / "zkbench.yaml") + "store: \"" + url + "\"\n");
  ASSERT_EQ(repo.git("commit -qam 'shared store'"), 0);
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  const std::string number = repo.experiment("Shorter sleep", "delay", "0.01\n");
  const CliResult run = repo.zkbench("exp run " + number);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Everything went to PostgreSQL: no SQLite store was created beside the project.
  EXPECT_FALSE(fs::exists(zkbench::store::default_store_path(repo.dir())));
  const CliResult shown = repo.zkbench("exp show " + number + " --json");
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  const nlohmann::json record = nlohmann::json::parse(shown.output);
  ASSERT_FALSE(record["verdict"].get<std::string>().empty()) << shown.output;

  const CliResult report = repo.zkbench("report");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const fs::path dir = repo.dir() / "benchmarks" / "report";
  EXPECT_TRUE(fs::exists(dir / "experiments" / (number + ".html")));
  const auto data = nlohmann::json::parse(read_file(dir / "data.json"));
  ASSERT_EQ(data["experiments"].size(), 1U) << data.dump();
  EXPECT_EQ(data["experiments"][0]["name"], "Shorter sleep");
  EXPECT_EQ(data["experiments"][0]["verdict"], record["verdict"]);
  EXPECT_EQ(data["experiments"][0]["inputs"].size(), 2U);
  EXPECT_EQ(data["baseline"]["inputs"].size(), 2U);
  EXPECT_LT(data["experiments"][0]["change_pct"].get<double>(), -20.0);

  Background server(repo.dir(), "serve --port 0", repo.dir() / "serve.log");
  const int port = served_port(server);
  ASSERT_GT(port, 0) << server.output();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  const auto experiments = get_json(client, "/api/experiments");
  ASSERT_TRUE(experiments.is_array()) << experiments.dump();
  ASSERT_EQ(experiments.size(), 1U);
  EXPECT_EQ(experiments[0]["number"], 1);
  EXPECT_EQ(experiments[0]["name"], "Shorter sleep");
  EXPECT_EQ(experiments[0]["verdict"], record["verdict"]);
  const auto one = get_json(client, "/api/experiments/" + number);
  EXPECT_EQ(one["inputs"].size(), 2U) << one.dump();
  EXPECT_TRUE(server.running()) << server.output();
}
