#pragma once

// The message of the rein::invalid_argument a call throws, for tests that check a message whole.
#include "rein/core/error.hpp"

#include <functional>
#include <string>

namespace rein::test {

/// What `f` throws as rein::invalid_argument, or "(no rein::invalid_argument thrown)".
inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const rein::invalid_argument& e) {
    return e.what();
  }
  return "(no rein::invalid_argument thrown)";
}

}  // namespace rein::test
