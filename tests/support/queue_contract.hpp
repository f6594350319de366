#pragma once
// The behavioural suite every JobQueue backend must pass (tests defined in
// tests/unit/test_queue_job_queue.cpp). A backend instantiates QueueContract with a factory that
// opens the queue of the store identified by `path` (a fresh temporary folder's file); the same path
// must open the same queue.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "queue/job_queue.hpp"
#include "support/fixtures.hpp"

namespace zkbench::test {

struct QueueBackend {
  std::string name;
  std::function<Result<std::unique_ptr<queue::JobQueue>>(const std::filesystem::path& path)> open;
};

class QueueContract : public testing::TestWithParam<QueueBackend> {
protected:
  std::filesystem::path store_path() const { return m_dir / "zkbench.db"; }

  std::unique_ptr<queue::JobQueue> open_queue() const {
    auto opened = GetParam().open(store_path());
    EXPECT_TRUE(opened.has_value()) << (opened ? "" : opened.error().message);
    return opened ? std::move(*opened) : nullptr;
  }

  TempDir m_dir;
};

} // namespace zkbench::test
