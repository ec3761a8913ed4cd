#include "rein/io/csv.hpp"
#include "support/data.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace csv_test {

namespace {

// The tokens of a CSV file, split independently of the reader (std::getline on ',').
std::vector<std::vector<std::string>> tokens_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::stringstream fields(line);
    std::string token;
    while (std::getline(fields, token, ',')) row.push_back(token);
    rows.push_back(row);
  }
  return rows;
}

std::string error_of(const std::string& text) {
  try {
    (void)rein::io::parse_csv_matrix(text, "t.csv");
  } catch (const rein::io_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_SUITE("io") {
  TEST_CASE("csv: '%.18e' tokens read back to the exact doubles") {
    // The C++ literals are correctly rounded by the compiler; the tokens are printf("%.18e") of
    // the same doubles (glibc), so equality must be exact.
    const Eigen::MatrixXd m = rein::io::parse_csv_matrix(
        "1.000000000000000056e-01,3.333333333333333148e-01\n"
        "4.940656458412465442e-324,1.797693134862315708e+308\n"
        "0.000000000000000000e+00, +2.5 \r\n"
        "\n",
        "t.csv");
    REQUIRE(m.rows() == 3);
    REQUIRE(m.cols() == 2);
    CHECK(m(0, 0) == 0.1);
    CHECK(m(0, 1) == 1.0 / 3.0);
    CHECK(m(1, 0) == 4.9406564584124654e-324);  // smallest subnormal
    CHECK(m(1, 1) == 1.7976931348623157e308);   // largest finite double
    CHECK(m(2, 0) == 0.0);
    CHECK(m(2, 1) == 2.5);
  }

  TEST_CASE("csv: the Belle II number densities read with the shapes of the README and glibc strtod's values") {
    struct file_shape {
      const char* name;
      Eigen::Index rows;
    };
    for (const auto& f : {file_shape{"number_density_ita_regA.csv", 9}, file_shape{"number_density_ita_regB.csv", 3},
                          file_shape{"number_density_hta.csv", 6}}) {
      const std::string path = rein::test::shipped_data(std::string("belle2-knunu/") + f.name);
      CAPTURE(path);
      const Eigen::MatrixXd m = rein::io::read_csv_matrix(path);
      // shapes from data/belle2-knunu/README.md: 9, 3, 6 rows × 101 true-q² bins
      CHECK(m.rows() == f.rows);
      CHECK(m.cols() == 101);
      // Every entry equals an independent conversion of its token (glibc strtod, correctly rounded).
      const auto tokens = tokens_of(path);
      REQUIRE(tokens.size() == static_cast<std::size_t>(m.rows()));
      std::size_t mismatches = 0;
      for (Eigen::Index i = 0; i < m.rows(); ++i) {
        REQUIRE(tokens[static_cast<std::size_t>(i)].size() == 101);
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
          const std::string& token = tokens[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
          if (std::strtod(token.c_str(), nullptr) != m(i, j)) ++mismatches;
        }
      }
      CHECK(mismatches == 0);
    }
    // First entry of the HTA file, the token copied from the file by hand.
    const Eigen::MatrixXd hta = rein::io::read_csv_matrix(rein::test::shipped_data("belle2-knunu/number_density_hta.csv"));
    CHECK(hta(0, 0) == 2.956081148439183414e-03);
  }

  TEST_CASE("csv: bad input names the file, the line, the column and the token") {
    CHECK(error_of("1,2,3\n4,5\n") ==
          "rein::io::read_csv_matrix: 't.csv' line 2: row has 2 columns, the first row has 3 (ragged rows)");
    CHECK(error_of("1,2\n3,4,5\n").find("line 2: row has 3 columns, the first row has 2") != std::string::npos);
    CHECK(error_of("1,2\n3,x4\n") == "rein::io::read_csv_matrix: 't.csv' line 2, column 2: token 'x4' is not a number");
    CHECK(error_of("1,2\n3,4.0abc\n").find("line 2, column 2: token '4.0abc' is not a number") != std::string::npos);
    CHECK(error_of("1,,2\n").find("line 1, column 2: empty field") != std::string::npos);
    CHECK(error_of("1,2,\n").find("line 1, column 3: empty field") != std::string::npos);
    CHECK(error_of("1,nan\n").find("line 1, column 2: token 'nan' is not a finite number") != std::string::npos);
    CHECK(error_of("-inf,1\n").find("line 1, column 1: token '-inf' is not a finite number") != std::string::npos);
    CHECK(error_of("1,1e400\n").find("line 1, column 2: token '1e400' is out of the range of double") !=
          std::string::npos);
    CHECK(error_of("1,0x1p3\n").find("line 1, column 2: token '0x1p3' is not a number") != std::string::npos);
    CHECK(error_of("1,2\n\n3,4\n").find("line 2: empty line between rows") != std::string::npos);
    CHECK(error_of("") == "rein::io::read_csv_matrix: 't.csv': no data rows");
    CHECK(error_of("\n \n") == "rein::io::read_csv_matrix: 't.csv': no data rows");
    CHECK_THROWS_WITH_AS(rein::io::read_csv_matrix("/nonexistent/m.csv"),
                         "rein::io::read_csv_matrix: cannot open '/nonexistent/m.csv': No such file or directory", rein::io_error);
    // a directory opens but does not read: the OS says why (io/read_text.hpp)
    const std::string folder = rein::test::test_data("pyhf");
    CHECK_THROWS_WITH_AS(rein::io::read_csv_matrix(folder),
                         ("rein::io::read_csv_matrix: reading '" + folder + "' failed: Is a directory").c_str(), rein::io_error);
  }
}
}  // namespace csv_test
