#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "queue/job_payload.hpp"

using namespace zkbench;

TEST(QueueJobPayload, arguments_round_trip_byte_for_byte_through_json_text) {
  const std::vector<std::string> argv{"run", "--runs", "1", "echo caf\xe9 > out", "", "\xff\xfe",
                                      "caf\xc3\xa9"};
  const nlohmann::json json = queue::argv_json(argv);
  // Valid UTF-8 stays a string; other bytes become hex.
  EXPECT_EQ(json[0], "run");
  EXPECT_EQ(json[3], nlohmann::json({{"hex", "6563686f20636166e9203e206f7574"}}));
  EXPECT_EQ(json[6], "caf\xc3\xa9");
  const auto back = queue::argv_from_json(nlohmann::json::parse(json.dump()));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, argv);
  EXPECT_EQ(queue::argv_text(json), "run --runs 1 echo caf\xef\xbf\xbd > out  \xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9");
}

TEST(QueueJobPayload, malformed_arguments_are_errors_that_say_what) {
  EXPECT_FALSE(queue::argv_from_json(nlohmann::json::object()));
  const auto number = queue::argv_from_json(nlohmann::json::parse(R"(["run", 3])"));
  ASSERT_FALSE(number);
  EXPECT_NE(number.error().message.find("neither a string nor"), std::string::npos) << number.error().message;
  const auto odd = queue::argv_from_json(nlohmann::json::parse(R"([{"hex": "abc"}])"));
  ASSERT_FALSE(odd);
  const auto bad = queue::argv_from_json(nlohmann::json::parse(R"([{"hex": "zz"}])"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'zz'"), std::string::npos) << bad.error().message;
}
