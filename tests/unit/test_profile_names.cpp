#include <gtest/gtest.h>

#include "profile/names.hpp"

using namespace zkbench::profile;

TEST(ProfileNames, strips_rust_hash_suffixes) {
  EXPECT_EQ(normalize_function_name("ethrex_trie::hash::recursive::h1a2b3c4d5e6f7a8b"), "ethrex_trie::hash::recursive");
  EXPECT_EQ(normalize_function_name("foo::hxyz"), "foo::hxyz"); // not a hash
}

TEST(ProfileNames, strips_generic_arguments_but_keeps_qualified_paths) {
  EXPECT_EQ(normalize_function_name("alloc::vec::Vec<u8>::push"), "alloc::vec::Vec::push");
  EXPECT_EQ(normalize_function_name("revm::stack::swap::<1, revm::Interp<X>>"), "revm::stack::swap::");
  EXPECT_EQ(normalize_function_name("<alloc::vec::Vec<u8> as core::fmt::Debug>::fmt"),
            "<alloc::vec::Vec as core::fmt::Debug>::fmt");
}

TEST(ProfileNames, strips_truncated_generic_tails_and_ellipses) {
  EXPECT_EQ(normalize_function_name("revm_interpreter::instructions::stack::swap::<1, revm_interpreter"),
            "revm_interpreter::instructions::stack::swap::");
  EXPECT_EQ(normalize_function_name("core::fmt::write…"), "core::fmt::write");
}

TEST(ProfileNames, truncation_needs_a_long_enough_prefix) {
  EXPECT_TRUE(is_truncation_of("revm_interpreter::instructions::contract::call_h",
                               "revm_interpreter::instructions::contract::call_helpers::load_account"));
  EXPECT_FALSE(is_truncation_of("main", "main_loop"));
  EXPECT_FALSE(is_truncation_of("same::name::exactly", "same::name::exactly"));
}
