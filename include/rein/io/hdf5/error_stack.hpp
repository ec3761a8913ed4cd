#pragma once

// HDF5's error stack: silenced while rein calls the library, read back into rein::io_error messages.
#include "rein/config.hpp"

#include <hdf5.h>

#include <string>
#include <vector>

namespace rein::io::hdf5 {

/// While alive, HDF5 prints nothing for failed calls on this thread (its automatic error
/// printing on the default stack is switched off) and the previous setting is restored after.
/// Every rein call into HDF5 runs under one, so a failure reaches the caller only as an exception.
class quiet_errors {
 public:
  quiet_errors() noexcept {
    if (H5Eget_auto2(H5E_DEFAULT, &m_function, &m_data) < 0) {
      m_function = nullptr;
      m_data = nullptr;
    }
    (void)H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  quiet_errors(const quiet_errors&) = delete;
  quiet_errors& operator=(const quiet_errors&) = delete;
  ~quiet_errors() { (void)H5Eset_auto2(H5E_DEFAULT, m_function, m_data); }

 private:
  H5E_auto2_t m_function = nullptr;
  void* m_data = nullptr;
};

namespace detail {

inline herr_t collect_error(unsigned /*n*/, const H5E_error2_t* entry, void* client) {
  auto* lines = static_cast<std::vector<std::string>*>(client);
  if (entry != nullptr && entry->desc != nullptr && entry->desc[0] != '\0') lines->emplace_back(entry->desc);
  return 0;
}

}  // namespace detail

/// The descriptions on HDF5's current error stack, from the failed API call inward, joined by
/// "; " (empty if the stack is empty); the stack is cleared.
inline std::string error_stack_text() {
  std::vector<std::string> lines;
  (void)H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, &detail::collect_error, &lines);
  (void)H5Eclear2(H5E_DEFAULT);
  std::string text;
  for (const auto& line : lines) {
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text;
}

}  // namespace rein::io::hdf5
