// Chains run in parts (nuts_options::first_chain) and joined (join_nuts_chains) are the run of all
// chains at once, bit for bit: what rein.distributed.sample relies on.
#include <rein/bayes/nuts.hpp>
#include <rein/core/error.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace join_chains_test {

namespace {

// A 2-D Gaussian (means 1 and 2, sds 0.5 and 2, correlation 0.3), the first coordinate bounded
// below by 0 so that the sampler's transform is not the identity.
rein::bayes::target gaussian() {
  return rein::bayes::make_target(
      [](const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
        const double a = (x[0] - 1) / 0.5, b = (x[1] - 2) / 2.0, rho = 0.3, c = 1 / (1 - rho * rho);
        if (gradient) *gradient = Eigen::Vector2d(-c * (a - rho * b) / 0.5, -c * (b - rho * a) / 2.0);
        return -0.5 * c * (a * a - 2 * rho * a * b + b * b);
      },
      Eigen::Vector2d(0.0, -std::numeric_limits<double>::infinity()), Eigen::Vector2d::Constant(std::numeric_limits<double>::infinity()));
}

template <class A, class B>
bool same(const A& a, const B& b) {
  return a.size() == b.size() && (a.array() == b.array()).all();
}

}  // namespace

TEST_CASE("chains run in parts and joined are the one run of all chains, bit for bit") {
  const auto t = gaussian();
  const Eigen::Vector2d init(1.0, 2.0);
  rein::bayes::nuts_options options;
  options.chains = 3, options.warmup = 150, options.draws = 120, options.seed = 7, options.threads = 1;
  const auto whole = rein::bayes::sample_nuts(t, init, options);

  std::vector<rein::bayes::nuts_result> parts;
  for (const auto& [first, count] : std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {1, 2}}) {
    auto part = options;
    part.first_chain = first, part.chains = count;
    parts.push_back(rein::bayes::sample_nuts(t, init, part));
  }
  const auto joined = rein::bayes::join_nuts_chains(parts, options);
  REQUIRE(joined.n_chains() == 3);
  CHECK(joined.names == whole.names);
  for (std::size_t c = 0; c < 3; ++c) {
    CAPTURE(c);
    CHECK(same(joined.chains[c], whole.chains[c]));
    CHECK(same(joined.log_prob[c], whole.log_prob[c]));
    CHECK(same(joined.stats[c].step_size, whole.stats[c].step_size));
    CHECK(same(joined.stats[c].n_leapfrog, whole.stats[c].n_leapfrog));
    CHECK(same(joined.stats[c].inverse_metric, whole.stats[c].inverse_metric));
    CHECK(joined.stats[c].n_evaluations == whole.stats[c].n_evaluations);
  }
  CHECK(joined.status == whole.status);
  CHECK(joined.diagnostics.warnings == whole.diagnostics.warnings);
  REQUIRE(joined.diagnostics.parameters.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(joined.diagnostics.parameters[i].rhat == whole.diagnostics.parameters[i].rhat);
    CHECK(joined.diagnostics.parameters[i].ess_bulk == whole.diagnostics.parameters[i].ess_bulk);
  }
  // the parts' chains differ from each other: the seeds follow the chain's number in the whole run
  CHECK_FALSE(same(parts[0].chains[0], parts[1].chains[0]));

  auto two = options;
  two.chains = 2;
  CHECK_THROWS_WITH_AS(static_cast<void>(rein::bayes::join_nuts_chains(parts, two)),
                       doctest::Contains("the parts hold 3 chains, options.chains = 2"), rein::invalid_argument);
}

}  // namespace join_chains_test
