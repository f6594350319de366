#pragma once
// The behavioural suite every Store backend must pass (tests/unit/test_store_store.cpp defines the
// tests). A backend runs it by instantiating StoreContract with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, testing::Values(StoreBackend{"sqlite", open_fn}),
//                            [](const auto& param_info) { return param_info.param.name; });
//
// The factory opens the store identified by `path` (a path inside a fresh temporary folder); called
// twice with the same path, it must open the same store (that is how the suite tests reopening,
// several store objects at once, and a child process). A PostgreSQL backend maps the path to a
// database or schema of its own.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/fixtures.hpp"

namespace zkbench::test {

struct StoreBackend {
  std::string name;
  std::function<Result<std::unique_ptr<store::Store>>(const std::filesystem::path& path)> open;
};

class StoreContract : public testing::TestWithParam<StoreBackend> {
protected:
  std::filesystem::path store_path() const { return m_dir / "zkbench.db"; }

  /// Opens the test's store; fails the test (and returns null) when the backend cannot.
  std::unique_ptr<store::Store> open_store() const {
    auto opened = GetParam().open(store_path());
    EXPECT_TRUE(opened.has_value()) << (opened ? "" : opened.error().message);
    return opened ? std::move(*opened) : nullptr;
  }

  /// Adds a session with two benchmarks (defined in test_store_store.cpp); the store is closed again.
  std::tuple<std::int64_t, std::int64_t, std::int64_t> add_session_with_two_benchmarks() const;

  TempDir m_dir;
};

} // namespace zkbench::test
