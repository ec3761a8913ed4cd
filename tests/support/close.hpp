#pragma once

// Tolerance helpers for tests: every call states its tolerance, and the call site says why.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>

namespace rein::test {

/// |actual − expected| ≤ rtol·|expected|; NaN never passes.
inline bool rel_close(double actual, double expected, double rtol) {
  return std::abs(actual - expected) <= rtol * std::abs(expected);
}

/// |actual − expected| ≤ atol; NaN never passes.
inline bool abs_close(double actual, double expected, double atol) {
  return std::abs(actual - expected) <= atol;
}

inline std::string describe(double actual, double expected) {
  std::ostringstream out;
  out.precision(17);
  out << "actual " << actual << " expected " << expected << " diff " << actual - expected;
  return out.str();
}

}  // namespace rein::test

/// CHECK with a relative tolerance, printing both values at full precision on failure.
#define REIN_CHECK_REL(actual, expected, rtol)                              \
  do {                                                                      \
    const double rein_a_ = (actual), rein_e_ = (expected);                  \
    INFO(::rein::test::describe(rein_a_, rein_e_));                         \
    CHECK(::rein::test::rel_close(rein_a_, rein_e_, (rtol)));               \
  } while (false)

/// CHECK with an absolute tolerance, printing both values at full precision on failure.
#define REIN_CHECK_ABS(actual, expected, atol)                              \
  do {                                                                      \
    const double rein_a_ = (actual), rein_e_ = (expected);                  \
    INFO(::rein::test::describe(rein_a_, rein_e_));                         \
    CHECK(::rein::test::abs_close(rein_a_, rein_e_, (atol)));               \
  } while (false)
