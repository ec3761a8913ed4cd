#include <rein/bayes/summary.hpp>
#include <rein/io/hdf5/posterior_draws.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

namespace posterior_draws_test {

TEST_SUITE("io_hdf5") {
  TEST_CASE("posterior draws: the HDF5 round trip is bit-exact") {
    rein::bayes::posterior_draws draws;
    draws.names = {"cvl", "FFK_decorrelated[0]"};
    draws.lower = (Eigen::VectorXd(2) << 0, -5).finished();
    draws.upper = (Eigen::VectorXd(2) << 20, std::numeric_limits<double>::infinity()).finished();
    for (int c = 0; c < 3; ++c) {
      Eigen::MatrixXd m(4, 2);
      for (int k = 0; k < 4; ++k) m(k, 0) = std::sqrt(2.0 + c + k), m(k, 1) = -1.0 / (3 + c * k);
      draws.chains.push_back(m);
      draws.log_prob.push_back(Eigen::VectorXd::LinSpaced(4, -1.0 / 3, -c - 0.1));
    }
    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/posterior_draws.h5";
    const auto summary = rein::bayes::summarize(draws);
    rein::io::hdf5::write_posterior_draws(path, draws, &summary);
    const auto back = rein::io::hdf5::read_posterior_draws(path);
    CHECK(back.names == draws.names);
    CHECK(back.lower == draws.lower);
    CHECK(back.upper == draws.upper);
    REQUIRE(back.n_chains() == 3);
    for (std::size_t c = 0; c < 3; ++c) {
      CHECK(back.chains[c] == draws.chains[c]);
      CHECK(back.log_prob[c] == draws.log_prob[c]);
    }
    // the summary as written: read back the raw datasets
    const auto f = rein::io::hdf5::file::open(path, "posterior_draws_test");
    const auto mean = f.read_doubles("/summary/mean");
    REQUIRE(mean.shape == std::vector<std::size_t>{2});
    CHECK(mean.values[0] == summary.parameters[0].mean);
    CHECK(mean.values[1] == summary.parameters[1].mean);
    const auto hdi = f.read_doubles("/summary/hdi");
    REQUIRE(hdi.shape == std::vector<std::size_t>{2, summary.hdi_probs.size(), 2});
    CHECK(hdi.values[2] == summary.parameters[0].hdi[1].lower);  // parameter 0, second probability
    CHECK(f.read_strings("/summary", "hdi_kinds").size() == 2 * summary.hdi_probs.size());
  }

  TEST_CASE("posterior draws: bad input names the file and the problem") {
    rein::bayes::posterior_draws empty;
    const std::string path = std::string(REIN_TEST_BINARY_DIR) + "/posterior_draws_bad.h5";
    CHECK_THROWS_WITH_AS(rein::io::hdf5::write_posterior_draws(path, empty), doctest::Contains("no chains"),
                         rein::invalid_argument);
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK_THROWS_WITH_AS((void)rein::io::hdf5::read_posterior_draws(path), doctest::Contains(path.c_str()), rein::io_error);
  }
}
}  // namespace posterior_draws_test
