#pragma once

// Move-only RAII owners of HDF5 identifiers (files, groups, datasets, dataspaces, datatypes,
// attributes, property lists). This folder is the only place in rein that includes <hdf5.h>.
#include "rein/config.hpp"
#include "rein/io/hdf5/error_stack.hpp"

#include <hdf5.h>

#include <utility>

namespace rein::io::hdf5 {

/// What an HDF5 identifier refers to; selects the H5?close function of a handle.
enum class handle_kind { file, group, dataset, dataspace, datatype, attribute, property_list };

namespace detail {

/// Closes `id` with the close function of `Kind`; errors are ignored (used by destructors).
template <handle_kind Kind>
inline void close_id(hid_t id) noexcept {
  const quiet_errors quiet;
  if constexpr (Kind == handle_kind::file) (void)H5Fclose(id);
  if constexpr (Kind == handle_kind::group) (void)H5Gclose(id);
  if constexpr (Kind == handle_kind::dataset) (void)H5Dclose(id);
  if constexpr (Kind == handle_kind::dataspace) (void)H5Sclose(id);
  if constexpr (Kind == handle_kind::datatype) (void)H5Tclose(id);
  if constexpr (Kind == handle_kind::attribute) (void)H5Aclose(id);
  if constexpr (Kind == handle_kind::property_list) (void)H5Pclose(id);
}

}  // namespace detail

/// Owns one HDF5 identifier and closes it on destruction. Move-only; an invalid (negative)
/// identifier, as returned by a failed H5?open/create call, is held but never closed.
///
/// Only identifiers the caller owns go in: never predefined types such as H5T_NATIVE_DOUBLE.
template <handle_kind Kind>
class handle {
 public:
  /// An empty handle (id() < 0).
  handle() noexcept = default;
  /// Takes ownership of `id` (which may be negative: then valid() is false).
  explicit handle(hid_t id) noexcept : m_id(id) {}
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
  handle(handle&& other) noexcept : m_id(std::exchange(other.m_id, H5I_INVALID_HID)) {}
  handle& operator=(handle&& other) noexcept {
    if (this != &other) {
      reset();
      m_id = std::exchange(other.m_id, H5I_INVALID_HID);
    }
    return *this;
  }
  ~handle() { reset(); }

  /// The identifier, for passing to the HDF5 C API (ownership stays with the handle).
  [[nodiscard]] hid_t id() const noexcept { return m_id; }
  /// Whether an identifier is held.
  [[nodiscard]] bool valid() const noexcept { return m_id >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  /// Gives up ownership: returns the identifier, which the caller must close; the handle becomes empty.
  [[nodiscard]] hid_t release() noexcept { return std::exchange(m_id, H5I_INVALID_HID); }
  /// Closes the identifier now (if any); the handle becomes empty.
  void reset() noexcept {
    if (m_id >= 0) detail::close_id<Kind>(m_id);
    m_id = H5I_INVALID_HID;
  }

 private:
  hid_t m_id = H5I_INVALID_HID;
};

using file_handle = handle<handle_kind::file>;                    ///< from H5Fopen / H5Fcreate
using group_handle = handle<handle_kind::group>;                  ///< from H5Gopen2 / H5Gcreate2
using dataset_handle = handle<handle_kind::dataset>;              ///< from H5Dopen2 / H5Dcreate2
using dataspace_handle = handle<handle_kind::dataspace>;          ///< from H5Screate* / H5?get_space
using datatype_handle = handle<handle_kind::datatype>;            ///< from H5Tcopy / H5?get_type
using attribute_handle = handle<handle_kind::attribute>;          ///< from H5Aopen* / H5Acreate*
using property_list_handle = handle<handle_kind::property_list>;  ///< from H5Pcreate / H5?get_create_plist

}  // namespace rein::io::hdf5
