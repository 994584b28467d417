// Shared helpers for MMDB tests (namespace mmdb::test).
#pragma once

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include <mmdb/status.h>

// Status assertions; extra context can be streamed: ASSERT_OK(s) << "key " << k;
#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::mmdb::test::IsOk, expr)
#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::mmdb::test::IsOk, expr)

namespace mmdb::test {

inline ::testing::AssertionResult IsOk(const char* expr, const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expr << " returned " << s.ToString();
}

// The seed for randomized tests: $MMDB_SEED if set, else gtest's
// --gtest_random_seed (or a fixed default). Printed by SCOPED_TRACE in tests.
uint64_t Seed();

// A fresh, empty directory under $TMPDIR (or /tmp) unique to this test; the
// caller removes it (or leaves it for inspection on failure).
std::string TempDir(const std::string& name);
// Removes a directory tree (best effort).
void RemoveTree(const std::string& dir);

}  // namespace mmdb::test
