#pragma once

// An open HDF5 file with the few operations rein's formats need: groups, float64 datasets and
// string attributes, with every failure an io_error naming the file and the object path.
#include "rein/config.hpp"
#include "rein/core/error.hpp"
#include "rein/core/size_limit.hpp"
#include "rein/io/hdf5/error_stack.hpp"
#include "rein/io/hdf5/handle.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace rein::io::hdf5 {

/// A float64 array read from a dataset: its shape and its values in C (row-major) order.
struct double_array {
  /// Extent of each dimension (empty for a scalar dataspace).
  std::vector<std::size_t> shape;
  /// Π shape values, last index fastest.
  std::vector<double> values;
};

/// An HDF5 file opened read-only or created for writing.
///
/// Object paths are absolute ("/number_densities/regA/density"). Every failure throws
/// rein::io_error whose message starts with the calling function given at open/create, then the
/// file path, the object path, what was expected and what was found, and HDF5's own error stack
/// when it has one. HDF5 prints nothing to stderr during these calls.
///
/// Files are created in the HDF5 1.10 format (checksummed metadata); datasets are one chunk with a
/// Fletcher-32 checksum and a NaN fill value; objects carry no modification-time stamps (H5Pset_obj_track_times
/// false), so writing the same content twice gives byte-identical files.
class file {
 public:
  /// Opens an existing file read-only.
  /// @param path      file name
  /// @param function  the caller, prefixed to every error message (e.g. "rein::io::hdf5::read_number_densities")
  /// @param purpose   what the caller wants to read (e.g. "group '/number_densities/regA'"), named
  ///                  in the message if the file cannot be opened
  /// @throws rein::io_error if the file does not exist, is not an HDF5 file, or cannot be opened
  ///         (a truncated file fails here: HDF5 checks the end-of-file address)
  [[nodiscard]] static file open(const std::string& path, const std::string& function,
                                 const std::string& purpose = "its content") {
    const quiet_errors quiet;
    file f(path, function);
    const std::string to_read = " (needed to read " + purpose + ")";
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
    if (is_hdf5 < 0) f.fail_with_stack("the file", "cannot be read, missing or unreadable" + to_read);
    if (is_hdf5 == 0) f.fail("the file", "is not an HDF5 file, no HDF5 signature" + to_read);
    f.m_handle = file_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f.m_handle) f.fail_with_stack("the file", "cannot be opened as HDF5, truncated or corrupt" + to_read);
    return f;
  }

  /// Creates a file for writing, replacing any existing file of that name.
  /// @throws rein::io_error if the file cannot be created
  [[nodiscard]] static file create(const std::string& path, const std::string& function) {
    const quiet_errors quiet;
    file f(path, function);
    property_list_handle fcpl(H5Pcreate(H5P_FILE_CREATE));
    if (!fcpl || H5Pset_obj_track_times(fcpl.id(), 0) < 0)
      f.fail_with_stack("the file", "cannot set up a file creation property list");
    // The HDF5 1.10 file format: superblock v3 and object headers v2 carry checksums, and a
    // dataset of one chunk keeps the chunk address in its (checksummed) layout message instead of
    // an unchecksummed B-tree, so damaged metadata is detected on reading. HDF5 >= 1.10 reads it.
    property_list_handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    if (!fapl || H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110) < 0)
      f.fail_with_stack("the file", "cannot set up a file access property list");
    f.m_handle = file_handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), fapl.id()));
    if (!f.m_handle) f.fail_with_stack("the file", "cannot be created");
    return f;
  }

  /// The file name given at open/create.
  [[nodiscard]] const std::string& path() const noexcept { return m_path; }

  /// Flushes and closes the file; later calls on this object fail. Writers call this so that a
  /// failure to finish the file is reported rather than swallowed by a destructor.
  /// @throws rein::io_error if HDF5 cannot close the file
  void close() {
    const quiet_errors quiet;
    if (!m_handle) return;
    if (H5Fflush(m_handle.id(), H5F_SCOPE_LOCAL) < 0) fail_with_stack("the file", "cannot be flushed");
    if (H5Fclose(m_handle.release()) < 0) fail_with_stack("the file", "cannot be closed");
  }

  /// Throws io_error("<function>: '<file>': <object>: <problem>").
  [[noreturn]] void fail(const std::string& object, const std::string& problem) const {
    throw io_error(m_function + ": '" + m_path + "': " + object + ": " + problem);
  }

  /// Whether the link at `object_path` exists (every component is checked, so a missing parent
  /// gives false rather than an error).
  /// @throws rein::io_error if HDF5 cannot answer (corrupt file)
  [[nodiscard]] bool exists(const std::string& object_path) const {
    const quiet_errors quiet;
    if (object_path == "/") return true;
    std::size_t pos = 0;
    while (pos != std::string::npos) {
      pos = object_path.find('/', pos + 1);
      const std::string prefix = object_path.substr(0, pos);
      const htri_t found = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
      if (found < 0) fail_with_stack("'" + prefix + "'", "cannot be looked up");
      if (found == 0) return false;
    }
    return true;
  }

  /// Creates the group `group_path` (its parent must exist).
  /// @param track_order  record link creation order, so that members() lists children in the order they were written
  void create_group(const std::string& group_path, bool track_order = false) {
    const quiet_errors quiet;
    property_list_handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
    if (!gcpl || H5Pset_obj_track_times(gcpl.id(), 0) < 0 ||
        (track_order && H5Pset_link_creation_order(gcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0))
      fail_with_stack(group(group_path), "cannot set up a group creation property list");
    const group_handle g(H5Gcreate2(id(), group_path.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT));
    if (!g) fail_with_stack(group(group_path), "cannot be created");
  }

  /// Names of the links in a group: in creation order if the group tracks it, else in name order.
  /// @throws rein::io_error if the group is missing or cannot be read
  [[nodiscard]] std::vector<std::string> members(const std::string& group_path) const {
    const quiet_errors quiet;
    if (!exists(group_path)) fail(group(group_path), "is missing");
    const group_handle g(H5Gopen2(id(), group_path.c_str(), H5P_DEFAULT));
    if (!g) fail_with_stack(group(group_path), "cannot be opened as a group");
    H5_index_t index = H5_INDEX_NAME;
    const property_list_handle gcpl(H5Gget_create_plist(g.id()));
    unsigned flags = 0;
    if (gcpl && H5Pget_link_creation_order(gcpl.id(), &flags) >= 0 && (flags & H5P_CRT_ORDER_TRACKED) != 0)
      index = H5_INDEX_CRT_ORDER;
    H5G_info_t info;
    if (H5Gget_info(g.id(), &info) < 0) fail_with_stack(group(group_path), "cannot be listed");
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t length = H5Lget_name_by_idx(g.id(), ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (length < 0) fail_with_stack(group(group_path), "link " + std::to_string(i) + " cannot be read");
      std::vector<char> buffer(static_cast<std::size_t>(length) + 1, '\0');
      if (H5Lget_name_by_idx(g.id(), ".", index, H5_ITER_INC, i, buffer.data(), buffer.size(), H5P_DEFAULT) < 0)
        fail_with_stack(group(group_path), "link " + std::to_string(i) + " cannot be read");
      names.emplace_back(buffer.data(), static_cast<std::size_t>(length));
    }
    return names;
  }

  /// Writes a float64 (IEEE little-endian) dataset of the given shape from C-order values.
  /// @param dataset_path  absolute path, parent group must exist
  /// @param shape         extents (rank ≥ 1)
  /// @param values        Π shape values, last index fastest
  void write_doubles(const std::string& dataset_path, const std::vector<std::size_t>& shape,
                     const std::vector<double>& values) {
    const quiet_errors quiet;
    std::vector<hsize_t> dims(shape.begin(), shape.end());
    std::size_t count = 1;
    for (const std::size_t n : shape) count *= n;
    if (shape.empty() || count != values.size())
      fail(dataset(dataset_path), "internal error: " + std::to_string(values.size()) + " values for shape of " +
                                      std::to_string(count) + " elements");
    const dataspace_handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    // One chunk holding the whole array, with a Fletcher-32 checksum: damaged values are detected.
    // The fill value is NaN, so data that HDF5 cannot find read as NaN, which readers reject.
    property_list_handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    const bool chunked = count > 0;
    const double fill = std::numeric_limits<double>::quiet_NaN();
    if (!space || !dcpl || H5Pset_obj_track_times(dcpl.id(), 0) < 0 ||
        H5Pset_fill_value(dcpl.id(), H5T_NATIVE_DOUBLE, &fill) < 0 ||
        (chunked && (H5Pset_chunk(dcpl.id(), static_cast<int>(dims.size()), dims.data()) < 0 ||
                     H5Pset_fletcher32(dcpl.id()) < 0)))
      fail_with_stack(dataset(dataset_path), "cannot set up the dataspace or creation property list");
    const dataset_handle ds(
        H5Dcreate2(id(), dataset_path.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT));
    if (!ds) fail_with_stack(dataset(dataset_path), "cannot be created");
    if (count > 0 && H5Dwrite(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
      fail_with_stack(dataset(dataset_path), "cannot be written");
  }

  /// Reads a float64 dataset (either byte order) into C-order values.
  /// @throws rein::io_error if the dataset is missing, is not a dataset, is not float64 (the
  ///         message names the type found, e.g. "32-bit signed integer"), has a null dataspace,
  ///         or cannot be read (truncated or corrupt data)
  [[nodiscard]] double_array read_doubles(const std::string& dataset_path) const {
    const quiet_errors quiet;
    const std::string what = dataset(dataset_path);
    if (!exists(dataset_path)) fail(what, "is missing (expected a float64 dataset)");
    const dataset_handle ds(H5Dopen2(id(), dataset_path.c_str(), H5P_DEFAULT));
    if (!ds) fail_with_stack(what, "cannot be opened as a dataset");
    const datatype_handle type(H5Dget_type(ds.id()));
    if (!type) fail_with_stack(what, "has an unreadable datatype");
    if (!is_float64(type.id())) fail(what, "expected float64, found " + describe_type(type.id()));
    double_array out;
    const dataspace_handle space(H5Dget_space(ds.id()));
    if (!space) fail_with_stack(what, "has an unreadable dataspace");
    const H5S_class_t space_class = H5Sget_simple_extent_type(space.id());
    if (space_class == H5S_SIMPLE) {
      const int rank = H5Sget_simple_extent_ndims(space.id());
      if (rank < 0) fail_with_stack(what, "has an unreadable rank");
      std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
      if (rank > 0 && H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr) < 0)
        fail_with_stack(what, "has unreadable dimensions");
      out.shape.assign(dims.begin(), dims.end());
    } else if (space_class != H5S_SCALAR) {
      fail(what, "has a null or unknown dataspace, expected an array");
    }
    // the declared dimensions, checked against the input size limit before anything is allocated
    double declared = 1;
    std::string dimensions;
    for (const std::size_t n : out.shape) {
      declared *= static_cast<double>(n);
      dimensions += (dimensions.empty() ? "" : "×") + std::to_string(n);
    }
    try {
      check_input_size<io_error>(declared * sizeof(double), "reading its " + (dimensions.empty() ? "1" : dimensions) + " float64 values");
    } catch (const io_error& e) {
      fail(what, e.what());
    }
    const auto count = static_cast<std::size_t>(declared);
    out.values.assign(count, 0.0);
    if (count > 0 &&
        H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()) < 0)
      fail_with_stack(what, "cannot be read (truncated or corrupt data)");
    return out;
  }

  /// Writes a scalar string attribute (fixed-length, NUL-padded, UTF-8) on the object at `object_path`.
  void write_string(const std::string& object_path, const std::string& name, const std::string& value) {
    write_string_attribute(object_path, name, {value}, true);
  }

  /// Writes a 1-D string array attribute (fixed-length, NUL-padded to the longest entry, UTF-8).
  void write_strings(const std::string& object_path, const std::string& name, const std::vector<std::string>& values) {
    write_string_attribute(object_path, name, values, false);
  }

  /// Whether the object at `object_path` has the attribute `name`.
  [[nodiscard]] bool has_attribute(const std::string& object_path, const std::string& name) const {
    const quiet_errors quiet;
    if (!exists(object_path)) fail("'" + object_path + "'", "is missing");
    const htri_t found = H5Aexists_by_name(id(), object_path.c_str(), name.c_str(), H5P_DEFAULT);
    if (found < 0) fail_with_stack(attribute(object_path, name), "cannot be looked up");
    return found > 0;
  }

  /// Reads a string attribute with one value (scalar, or a 1-D array of one element).
  /// @throws rein::io_error if it is missing, not a string, or holds more than one value
  [[nodiscard]] std::string read_string(const std::string& object_path, const std::string& name) const {
    std::vector<std::string> values = read_strings(object_path, name);
    if (values.size() != 1)
      fail(attribute(object_path, name), "expected one string, found " + std::to_string(values.size()));
    return std::move(values.front());
  }

  /// Reads a string attribute, scalar (one value) or 1-D; fixed-length and variable-length
  /// strings are both accepted (trailing NUL padding, and space padding if so declared, is removed).
  /// @throws rein::io_error if it is missing, not a string, or of rank > 1
  [[nodiscard]] std::vector<std::string> read_strings(const std::string& object_path, const std::string& name) const {
    const quiet_errors quiet;
    const std::string what = attribute(object_path, name);
    if (!has_attribute(object_path, name)) fail(what, "is missing (expected a string attribute)");
    const attribute_handle attr(H5Aopen_by_name(id(), object_path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr) fail_with_stack(what, "cannot be opened");
    const datatype_handle type(H5Aget_type(attr.id()));
    if (!type) fail_with_stack(what, "has an unreadable datatype");
    if (H5Tget_class(type.id()) != H5T_STRING) fail(what, "expected a string, found " + describe_type(type.id()));
    const dataspace_handle space(H5Aget_space(attr.id()));
    if (!space) fail_with_stack(what, "has an unreadable dataspace");
    std::size_t count = 1;
    const H5S_class_t space_class = H5Sget_simple_extent_type(space.id());
    if (space_class == H5S_SIMPLE) {
      if (H5Sget_simple_extent_ndims(space.id()) != 1) fail(what, "expected a scalar or 1-D string attribute");
      hsize_t dim = 0;
      if (H5Sget_simple_extent_dims(space.id(), &dim, nullptr) < 0) fail_with_stack(what, "has unreadable dimensions");
      count = static_cast<std::size_t>(dim);
    } else if (space_class != H5S_SCALAR) {
      fail(what, "has a null or unknown dataspace, expected a string");
    }
    std::vector<std::string> out;
    if (count == 0) return out;
    try {
      check_input_size<io_error>(static_cast<double>(count) * sizeof(char*), "reading its " + std::to_string(count) + " strings");
    } catch (const io_error& e) {
      fail(what, e.what());
    }
    const htri_t variable = H5Tis_variable_str(type.id());
    if (variable < 0) fail_with_stack(what, "has an unreadable string type");
    if (variable > 0) {
      const datatype_handle memory(H5Tcopy(H5T_C_S1));
      if (!memory || H5Tset_size(memory.id(), H5T_VARIABLE) < 0 ||
          H5Tset_cset(memory.id(), H5Tget_cset(type.id())) < 0)
        fail_with_stack(what, "cannot set up a string type");
      variable_strings buffer(count);
      if (H5Aread(attr.id(), memory.id(), buffer.pointers.data()) < 0) fail_with_stack(what, "cannot be read");
      for (const char* p : buffer.pointers) out.emplace_back(p == nullptr ? "" : p);
    } else {
      const std::size_t size = H5Tget_size(type.id());
      if (size == 0) fail_with_stack(what, "has a string type of size 0");
      try {
        check_input_size<io_error>(static_cast<double>(count) * static_cast<double>(size),
                                   "reading its " + std::to_string(count) + " strings of " + std::to_string(size) + " bytes");
      } catch (const io_error& e) {
        fail(what, e.what());
      }
      std::vector<char> buffer(count * size, '\0');
      if (H5Aread(attr.id(), type.id(), buffer.data()) < 0) fail_with_stack(what, "cannot be read");
      const bool space_padded = H5Tget_strpad(type.id()) == H5T_STR_SPACEPAD;
      for (std::size_t i = 0; i < count; ++i) {
        const char* start = buffer.data() + i * size;
        std::size_t length = 0;
        while (length < size && start[length] != '\0') ++length;
        if (space_padded)
          while (length > 0 && start[length - 1] == ' ') --length;
        out.emplace_back(start, length);
      }
    }
    return out;
  }

  /// "dataset '<path>'", for messages.
  [[nodiscard]] static std::string dataset(const std::string& path) { return "dataset '" + path + "'"; }
  /// "group '<path>'", for messages.
  [[nodiscard]] static std::string group(const std::string& path) { return "group '" + path + "'"; }
  /// "attribute '<name>' of '<path>'", for messages.
  [[nodiscard]] static std::string attribute(const std::string& path, const std::string& name) {
    return "attribute '" + name + "' of '" + path + "'";
  }

 private:
  file(std::string path, std::string function) : m_path(std::move(path)), m_function(std::move(function)) {}

  /// Variable-length strings read by HDF5, freed with H5free_memory.
  struct variable_strings {
    explicit variable_strings(std::size_t n) : pointers(n, nullptr) {}
    variable_strings(const variable_strings&) = delete;
    variable_strings& operator=(const variable_strings&) = delete;
    ~variable_strings() {
      for (char* p : pointers)
        if (p != nullptr) (void)H5free_memory(p);
    }
    std::vector<char*> pointers;
  };

  [[nodiscard]] hid_t id() const {
    if (!m_handle) fail("the file", "is closed");
    return m_handle.id();
  }

  [[noreturn]] void fail_with_stack(const std::string& object, const std::string& problem) const {
    const std::string stack = error_stack_text();
    fail(object, stack.empty() ? problem : problem + " (HDF5: " + stack + ")");
  }

  static bool is_float64(hid_t type) {
    return H5Tequal(type, H5T_IEEE_F64LE) > 0 || H5Tequal(type, H5T_IEEE_F64BE) > 0;
  }

  /// A short description of an HDF5 datatype: "32-bit signed integer", "32-bit float", "string", ...
  static std::string describe_type(hid_t type) {
    const std::string bits = std::to_string(8 * H5Tget_size(type)) + "-bit ";
    switch (H5Tget_class(type)) {
      case H5T_INTEGER:
        return bits + (H5Tget_sign(type) == H5T_SGN_NONE ? "unsigned integer" : "signed integer");
      case H5T_FLOAT:
        return bits + "float (not IEEE binary64)";
      case H5T_STRING:
        return "string";
      case H5T_COMPOUND:
        return "compound";
      case H5T_ENUM:
        return "enum";
      case H5T_ARRAY:
        return "array";
      case H5T_VLEN:
        return "variable-length sequence";
      default:
        return "HDF5 type class " + std::to_string(static_cast<int>(H5Tget_class(type)));
    }
  }

  void write_string_attribute(const std::string& object_path, const std::string& name,
                              const std::vector<std::string>& values, bool scalar) {
    const quiet_errors quiet;
    const std::string what = attribute(object_path, name);
    // Fixed-length (NUL-padded, UTF-8) strings: stored inside the attribute itself. Variable-length
    // strings would live in HDF5's global heap, whose corruption makes HDF5 1.10 crash on reading.
    std::size_t size = 1;
    for (const auto& v : values) {
      if (v.find('\0') != std::string::npos) fail(what, "a value contains a NUL character, which strings cannot hold");
      size = std::max(size, v.size());
    }
    std::string buffer(size * values.size(), '\0');
    for (std::size_t i = 0; i < values.size(); ++i) values[i].copy(&buffer[i * size], values[i].size());
    const datatype_handle type(H5Tcopy(H5T_C_S1));
    if (!type || H5Tset_size(type.id(), size) < 0 || H5Tset_strpad(type.id(), H5T_STR_NULLPAD) < 0 ||
        H5Tset_cset(type.id(), H5T_CSET_UTF8) < 0)
      fail_with_stack(what, "cannot set up a string type");
    const hsize_t dim = values.size();
    const dataspace_handle space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, nullptr));
    if (!space) fail_with_stack(what, "cannot set up a dataspace");
    const attribute_handle attr(
        H5Acreate_by_name(id(), object_path.c_str(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT));
    if (!attr) fail_with_stack(what, "cannot be created");
    if (!values.empty() && H5Awrite(attr.id(), type.id(), buffer.data()) < 0) fail_with_stack(what, "cannot be written");
  }

  file_handle m_handle;
  std::string m_path;
  std::string m_function;
};

}  // namespace rein::io::hdf5
