#include "rein/bayes/multistart.hpp"
#include "rein/bayes/target.hpp"
#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace multistart_test {

namespace {

// The reference: a normalised two-component normal mixture in 2-D with known weights,
//   p(x) = 0.3 N(x; (−5, 0), I) + 0.7 N(x; (5, 0), 0.5² I),   ∫ p = 1,
// whose modes lie 10 standard deviations apart (NUTS chains never cross between them).
constexpr double weight_left = 0.3;

rein::bayes::target mixture() {
  const auto log_prob = [](const Eigen::VectorXd& x, Eigen::VectorXd* gradient) {
    const double pi = 3.14159265358979323846;
    const Eigen::Vector2d a(-5, 0), b(5, 0);
    const double sb = 0.5;
    const double la = std::log(weight_left) - std::log(2 * pi) - 0.5 * (x - a).squaredNorm();
    const double lb = std::log(1 - weight_left) - std::log(2 * pi * sb * sb) - 0.5 * (x - b).squaredNorm() / (sb * sb);
    const double top = std::max(la, lb), total = top + std::log(std::exp(la - top) + std::exp(lb - top));
    if (gradient) {
      const double ra = std::exp(la - total), rb = std::exp(lb - total);
      *gradient = -ra * (x - a) - rb * (x - b) / (sb * sb);
    }
    return total;
  };
  return rein::bayes::make_target(log_prob, 2, {"x", "y"});
}

}  // namespace

TEST_SUITE("bayes") {
  TEST_CASE("multi-start NUTS weights the modes of a bimodal target by their evidences") {
    const auto t = mixture();
    rein::bayes::multistart_options options;
    options.nuts.chains = 2;
    options.nuts.warmup = 400;
    options.nuts.draws = 800;
    options.nuts.threads = 2;
    options.nuts.seed = 5;
    // two starts in the right-hand mode (they must merge) and one in the left-hand one
    const std::vector<Eigen::VectorXd> starts = {Eigen::Vector2d(-5, 0), Eigen::Vector2d(5, 0), Eigen::Vector2d(5.3, 0.2)};
    const auto r = rein::bayes::sample_multistart(t, starts, options);
    CHECK(r.status == rein::bayes::sample_status::ok);
    REQUIRE(r.modes.size() == 2);
    CHECK(r.modes[0].starts == std::vector<std::size_t>{0});
    CHECK(r.modes[1].starts == std::vector<std::size_t>{1, 2});
    // within each mode the chains mix: R̂ and ESS are honest there
    for (const auto& m : r.modes) {
      CHECK(m.diagnostics.ok());
      for (const auto& d : m.diagnostics.parameters) CHECK(d.rhat < 1.01);
    }
    // while the chains of different modes do not: the pooled R̂ flags it (rank-normalised R̂ of
    // fully separated chain groups saturates, here near 1.6, far above the 1.01 threshold)
    CHECK(rein::bayes::detail::pooled_rhat(r.modes[0].draws, r.modes[1].draws) > 1.5);
    // the weights against the known 0.3, 0.7: within 4 reported standard errors, which are small
    CHECK(r.modes[0].weight_error < 0.03);
    REIN_CHECK_ABS(r.modes[0].weight, weight_left, 4 * r.modes[0].weight_error);
    REIN_CHECK_ABS(r.modes[1].weight, 1 - weight_left, 4 * r.modes[1].weight_error);
    REIN_CHECK_REL(r.modes[0].weight + r.modes[1].weight, 1.0, 1e-14);
    // the mixture's evidence: ln 1 = 0 (each mode's ln Z within its error; 4σ of the larger error)
    const double error = std::max(r.modes[0].evidence.log_z_error, r.modes[1].evidence.log_z_error);
    REIN_CHECK_ABS(r.log_z, 0.0, 4 * error);
    // its reported error, (Σ w_k² σ_k²)^½, is no larger than the larger mode's and holds ln 1 = 0 too
    CHECK(r.log_z_error <= error);
    REIN_CHECK_ABS(r.log_z, 0.0, 4 * r.log_z_error);
    // the runs' account: every start's chains took gradients
    CHECK(r.gradient_evaluations >= 3 * 2 * (400 + 800));
    // the combined draws: the mixture's mean of x, 0.3·(−5) + 0.7·5 = 2, moved by the weights'
    // error times the 10 between the modes, plus Monte Carlo error
    REQUIRE(r.combined.n_chains() == 1);
    CHECK(r.combined.n_draws() == 3 * 2 * 800);
    const double mean = r.combined.chains[0].col(0).mean();
    REIN_CHECK_ABS(mean, 2.0, 4 * 10 * r.modes[0].weight_error + 0.1);
    CHECK_THROWS_WITH_AS((void)rein::bayes::sample_multistart(t, {}), doctest::Contains("no start points"),
                         rein::invalid_argument);
  }
}
}  // namespace multistart_test
