#pragma once

// Test helpers that damage HDF5 files on purpose, through the raw HDF5 C API (the RAII handles
// of rein::io::hdf5 only keep the identifiers from leaking).
#include "rein/io/hdf5/handle.hpp"

#include <doctest/doctest.h>
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace rein::test {

/// A path in the test build directory.
inline std::string temporary_path(const std::string& name) { return std::string(REIN_TEST_BINARY_DIR) + "/" + name; }

/// Copies `from` to the temporary file `name` and returns its path.
inline std::string copy_to_temporary(const std::string& from, const std::string& name) {
  const std::string to = temporary_path(name);
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  return to;
}

/// The bytes of a file.
inline std::vector<char> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The bit pattern of a double (so that -0.0 ≠ 0.0 and NaN payloads count).
inline std::uint64_t bits(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

/// Opens a file read-write for editing.
inline io::hdf5::file_handle open_rw(const std::string& path) {
  io::hdf5::file_handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  REQUIRE(f.valid());
  return f;
}

/// Removes the link `object` (a dataset or group).
inline void delete_link(const std::string& path, const std::string& object) {
  const auto f = open_rw(path);
  REQUIRE(H5Ldelete(f.id(), object.c_str(), H5P_DEFAULT) >= 0);
}

/// Replaces a dataset by a 1-D int32 dataset of `n` elements 0, 1, 2, ...
inline void replace_with_int32(const std::string& path, const std::string& dataset, hsize_t n) {
  const auto f = open_rw(path);
  REQUIRE(H5Ldelete(f.id(), dataset.c_str(), H5P_DEFAULT) >= 0);
  const io::hdf5::dataspace_handle space(H5Screate_simple(1, &n, nullptr));
  const io::hdf5::dataset_handle ds(
      H5Dcreate2(f.id(), dataset.c_str(), H5T_STD_I32LE, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(ds.valid());
  std::vector<std::int32_t> values(n);
  for (hsize_t i = 0; i < n; ++i) values[i] = static_cast<std::int32_t>(i);
  REQUIRE(H5Dwrite(ds.id(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
}

/// Deletes a dataset of the open file `f` and creates a float64 one of `shape` in its place (values
/// unwritten: HDF5 allocates the storage late).
inline io::hdf5::dataset_handle recreate_doubles(const io::hdf5::file_handle& f, const std::string& dataset,
                                                 const std::vector<hsize_t>& shape) {
  REQUIRE(H5Ldelete(f.id(), dataset.c_str(), H5P_DEFAULT) >= 0);
  const io::hdf5::dataspace_handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr));
  io::hdf5::dataset_handle ds(
      H5Dcreate2(f.id(), dataset.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(ds.valid());
  return ds;
}

/// Replaces a dataset by a float64 dataset of the given shape and values.
inline void replace_with_doubles(const std::string& path, const std::string& dataset, const std::vector<hsize_t>& shape,
                                 const std::vector<double>& values) {
  const auto f = open_rw(path);
  const auto ds = recreate_doubles(f, dataset, shape);
  REQUIRE(H5Dwrite(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
}

/// Replaces a dataset by a float64 dataset of `shape` whose values are never written, so the file
/// stays small whatever the declared size.
inline void declare_doubles(const std::string& path, const std::string& dataset, const std::vector<hsize_t>& shape) {
  const auto f = open_rw(path);
  recreate_doubles(f, dataset, shape);
}

/// Reads a float64 dataset of a file (raw API, independent of rein's reader).
inline std::vector<double> raw_doubles(const std::string& path, const std::string& dataset) {
  const io::hdf5::file_handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  REQUIRE(f.valid());
  const io::hdf5::dataset_handle ds(H5Dopen2(f.id(), dataset.c_str(), H5P_DEFAULT));
  REQUIRE(ds.valid());
  const io::hdf5::dataspace_handle space(H5Dget_space(ds.id()));
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id())));
  REQUIRE(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
  return values;
}

/// Overwrites the values of an existing float64 dataset (same number of elements).
inline void overwrite_doubles(const std::string& path, const std::string& dataset, const std::vector<double>& values) {
  const auto f = open_rw(path);
  const io::hdf5::dataset_handle ds(H5Dopen2(f.id(), dataset.c_str(), H5P_DEFAULT));
  REQUIRE(ds.valid());
  REQUIRE(H5Dwrite(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
}

/// Flips the bits of one byte of the stored (single-chunk) data of a dataset, in place.
inline void corrupt_stored_byte(const std::string& path, const std::string& dataset, std::size_t byte) {
  haddr_t address = 0;
  hsize_t size = 0;
  {
    const io::hdf5::file_handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    REQUIRE(f.valid());
    const io::hdf5::dataset_handle ds(H5Dopen2(f.id(), dataset.c_str(), H5P_DEFAULT));
    REQUIRE(ds.valid());
    const io::hdf5::dataspace_handle space(H5Dget_space(ds.id()));
    unsigned mask = 0;
    REQUIRE(H5Dget_chunk_info(ds.id(), space.id(), 0, nullptr, &mask, &address, &size) >= 0);
  }
  REQUIRE(byte < size);
  std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(static_cast<std::streamoff>(address + byte));
  char c = 0;
  io.get(c);
  io.seekp(static_cast<std::streamoff>(address + byte));
  io.put(static_cast<char>(~c));
}

/// Deletes an attribute.
inline void delete_attribute(const std::string& path, const std::string& object, const std::string& name) {
  const auto f = open_rw(path);
  REQUIRE(H5Adelete_by_name(f.id(), object.c_str(), name.c_str(), H5P_DEFAULT) >= 0);
}

/// Replaces an attribute by a scalar fixed-length string (as some writers store strings), padded
/// to `size` bytes with `pad`.
inline void replace_with_fixed_string(const std::string& path, const std::string& object, const std::string& name,
                                      const std::string& value, std::size_t size, H5T_str_t pad) {
  const auto f = open_rw(path);
  if (H5Aexists_by_name(f.id(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0)
    REQUIRE(H5Adelete_by_name(f.id(), object.c_str(), name.c_str(), H5P_DEFAULT) >= 0);
  const io::hdf5::datatype_handle type(H5Tcopy(H5T_C_S1));
  REQUIRE(H5Tset_size(type.id(), size) >= 0);
  REQUIRE(H5Tset_strpad(type.id(), pad) >= 0);
  const io::hdf5::dataspace_handle space(H5Screate(H5S_SCALAR));
  const io::hdf5::attribute_handle attr(
      H5Acreate_by_name(f.id(), object.c_str(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(attr.valid());
  std::string buffer = value;
  buffer.resize(size, pad == H5T_STR_SPACEPAD ? ' ' : '\0');
  REQUIRE(H5Awrite(attr.id(), type.id(), buffer.data()) >= 0);
}

/// Replaces an attribute by a scalar int32.
inline void replace_with_int_attribute(const std::string& path, const std::string& object, const std::string& name) {
  const auto f = open_rw(path);
  if (H5Aexists_by_name(f.id(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0)
    REQUIRE(H5Adelete_by_name(f.id(), object.c_str(), name.c_str(), H5P_DEFAULT) >= 0);
  const io::hdf5::dataspace_handle space(H5Screate(H5S_SCALAR));
  const io::hdf5::attribute_handle attr(H5Acreate_by_name(f.id(), object.c_str(), name.c_str(), H5T_STD_I32LE,
                                                          space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  REQUIRE(attr.valid());
  const std::int32_t one = 1;
  REQUIRE(H5Awrite(attr.id(), H5T_NATIVE_INT32, &one) >= 0);
}

}  // namespace rein::test
