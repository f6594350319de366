// The JobQueue contract on PostgreSQL (SKIP LOCKED claims), each test in a schema of its own.

#include <gtest/gtest.h>

#include "queue/job_queue.hpp"
#include "support/pg_fleet.hpp"
#include "support/queue_contract.hpp"

using zkbench::test::QueueContract;

INSTANTIATE_TEST_SUITE_P(Postgres, QueueContract,
                         testing::Values(zkbench::test::QueueBackend{
                             "postgresql", [](const std::filesystem::path& path) {
                               return zkbench::queue::open_queue(zkbench::test::pg_store_url(path));
                             }}),
                         [](const auto& param_info) { return param_info.param.name; });
