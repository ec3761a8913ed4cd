#pragma once

// Numeric CSV matrices (comma-separated, no header), read exactly: each token is converted with
// correct rounding (std::from_chars), so a file written with '%.18e' or '%.17g' gives back the
// very doubles that were written.
#include "rein/config.hpp"
#include "rein/core/error.hpp"
#include "rein/io/read_text.hpp"

#include <Eigen/Core>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace rein::io {

/// Parses a numeric CSV matrix from text.
///
/// Format: one row per line (LF or CRLF line ends), fields separated by ',', no header, no
/// quoting. Spaces and tabs around a field are ignored; a leading '+' is allowed. Every field must
/// be a finite number in fixed or scientific decimal notation, consumed entirely ("nan", "inf"
/// and hexadecimal are rejected); every row must have as many fields as the first. Empty lines
/// are allowed only at the end of the text.
/// @param text    the CSV content
/// @param source  name used in messages (the file path)
/// @return the matrix, rows × columns as in the text
/// @throws rein::io_error naming `source`, the line and column (1-based) and the token for: an
///         empty field, a token that is not a number or not finite or out of the double range,
///         a row with a different number of fields (ragged), an empty line between rows, no rows
inline Eigen::MatrixXd parse_csv_matrix(const std::string& text, const std::string& source) {
  const std::string where = "rein::io::read_csv_matrix: '" + source + "'";
  std::vector<double> values;
  std::size_t columns = 0, rows = 0, line_number = 0, first_blank = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      if (first_blank == 0) first_blank = line_number;
      continue;
    }
    if (first_blank != 0)
      throw io_error(where + " line " + std::to_string(first_blank) + ": empty line between rows");
    std::size_t field_count = 0, pos = 0;
    while (true) {
      const std::size_t comma = line.find(',', pos);
      const std::size_t stop = comma == std::string::npos ? line.size() : comma;
      ++field_count;
      std::size_t b = pos, e = stop;
      while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
      while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
      const std::string token = line.substr(b, e - b);
      const std::string at = where + " line " + std::to_string(line_number) + ", column " + std::to_string(field_count);
      if (token.empty()) throw io_error(at + ": empty field");
      const char* first = token.data();
      const char* last = token.data() + token.size();
      if (*first == '+' && token.size() > 1 && token[1] != '-' && token[1] != '+') ++first;
      double value = 0.0;
      const auto result = std::from_chars(first, last, value, std::chars_format::general);
      if (result.ec == std::errc::result_out_of_range)
        throw io_error(at + ": token '" + token + "' is out of the range of double");
      if (result.ec != std::errc() || result.ptr != last)
        throw io_error(at + ": token '" + token + "' is not a number");
      if (!std::isfinite(value)) throw io_error(at + ": token '" + token + "' is not a finite number");
      values.push_back(value);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    if (rows == 0) columns = field_count;
    if (field_count != columns)
      throw io_error(where + " line " + std::to_string(line_number) + ": row has " + std::to_string(field_count) +
                     " columns, the first row has " + std::to_string(columns) + " (ragged rows)");
    ++rows;
  }
  if (rows == 0) throw io_error(where + ": no data rows");
  Eigen::MatrixXd matrix(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(columns));
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < columns; ++j)
      matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = values[i * columns + j];
  return matrix;
}

/// Reads a numeric CSV matrix file (format of parse_csv_matrix), e.g. the Belle II number
/// densities in data/belle2-knunu/*.csv.
/// @throws rein::io_error if the file cannot be opened or read (with the operating system's
///         reason), or as parse_csv_matrix (naming the file)
inline Eigen::MatrixXd read_csv_matrix(const std::string& path) {
  return parse_csv_matrix(read_text(path, "rein::io::read_csv_matrix"), path);
}

}  // namespace rein::io
