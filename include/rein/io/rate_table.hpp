#pragma once

// A rate as a table in a CSV file, the way a theorist hands over a model without writing C++
// (`rein ... --alt-table FILE.csv`): a header line `q2,dgamma_dq2`, then one row per point, q² in
// GeV² increasing, dB/dq² (or dΓ/dq² in the null's units) ≥ 0.
#include "rein/core/error.hpp"
#include "rein/io/csv.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rein::io {

/// The columns of a rate table.
struct rate_table {
  std::vector<double> q2;
  std::vector<double> rate;
};

/// Reads a rate table: the header `q2,dgamma_dq2` (spaces allowed), then numeric rows of two
/// fields (parse_csv_matrix's format). The points' order and signs are models::tabulated_*'s to check.
/// @throws io_error naming the file for an unopenable file, a missing or different header, or a
///         row that is not two finite numbers (with its line number in the file)
inline rate_table read_rate_table(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int reason = errno;  // the operating system's reason, when it gave one
    throw io_error("rein::io::read_rate_table: cannot open '" + path + "'" + (reason != 0 ? std::string(": ") + std::strerror(reason) : ""));
  }
  std::string header;
  std::getline(in, header);
  std::string compact;
  for (const char c : header)
    if (c != ' ' && c != '\t' && c != '\r') compact += c;
  if (compact != "q2,dgamma_dq2")
    throw io_error("rein::io::read_rate_table: '" + path + "' line 1: expected the header 'q2,dgamma_dq2', found '" +
                   header.substr(0, 80) + "'");
  std::ostringstream rest;
  rest << in.rdbuf();
  // the rows' line numbers in messages count from the line after the header
  const auto m = parse_csv_matrix(rest.str(), path + " (after its header line)");
  if (m.cols() != 2)
    throw io_error("rein::io::read_rate_table: '" + path + "' has " + std::to_string(m.cols()) + " columns, expected 2 (q2, dgamma_dq2)");
  rate_table t;
  for (Eigen::Index i = 0; i < m.rows(); ++i) t.q2.push_back(m(i, 0)), t.rate.push_back(m(i, 1));
  return t;
}

}  // namespace rein::io
