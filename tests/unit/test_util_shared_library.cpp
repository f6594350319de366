#include "util/shared_library.hpp"

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

using namespace zkbench;

TEST(SharedLibrary, opens_a_system_library_and_resolves_a_symbol) {
  auto libm = util::SharedLibrary::open("libm.so.6");
  ASSERT_TRUE(libm) << libm.error().message;
  EXPECT_TRUE(libm->symbol("cos"));
  const auto missing = libm->symbol("no_such_function_here");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "libm.so.6: no symbol no_such_function_here");
}

TEST(SharedLibrary, a_missing_library_names_what_could_not_be_loaded) {
  const auto lib = util::SharedLibrary::open("libzkbench-does-not-exist.so.9");
  ASSERT_FALSE(lib);
  EXPECT_EQ(lib.error().message.rfind("cannot load libzkbench-does-not-exist.so.9: ", 0), 0u) << lib.error().message;
}

TEST(SharedLibrary, open_first_lists_every_path_it_tried) {
  test::TempDir dir;
  const auto lib = util::SharedLibrary::open_first({dir / "a.so", dir / "b.so"});
  ASSERT_FALSE(lib);
  EXPECT_EQ(lib.error().message,
            "not found (looked for " + (dir / "a.so").string() + ", " + (dir / "b.so").string() + ")");
}

TEST(SharedLibrary, module_symbol_of_a_missing_module_says_which_module) {
  const auto symbol = util::module_symbol("zkbench-no-such-module.so", "zkbench_nothing");
  ASSERT_FALSE(symbol);
  EXPECT_EQ(symbol.error().message.rfind("module zkbench-no-such-module.so: not found (looked for ", 0), 0u)
      << symbol.error().message;
  EXPECT_TRUE(std::filesystem::exists(util::executable_dir() / "unit_tests")) << util::executable_dir();
}
