// Shared helpers for MMDB tests (namespace mmdb::test).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include <mmdb/status.h>

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    ::mmdb::Status assert_ok_s_ = (expr);                 \
    ASSERT_TRUE(assert_ok_s_.ok()) << assert_ok_s_.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                   \
  do {                                                    \
    ::mmdb::Status expect_ok_s_ = (expr);                 \
    EXPECT_TRUE(expect_ok_s_.ok()) << expect_ok_s_.ToString(); \
  } while (0)

namespace mmdb::test {

// The seed for randomized tests: $MMDB_SEED if set, else gtest's
// --gtest_random_seed (or a fixed default). Printed by SCOPED_TRACE in tests.
uint64_t Seed();

// A fresh, empty directory under $TMPDIR (or /tmp) unique to this test; the
// caller removes it (or leaves it for inspection on failure).
std::string TempDir(const std::string& name);
// Removes a directory tree (best effort).
void RemoveTree(const std::string& dir);

}  // namespace mmdb::test
