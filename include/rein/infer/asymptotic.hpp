#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/infer/normal.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/infer/test_statistic.hpp"
#include "rein/likelihood/model/model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>
#include <string>
#include <vector>

namespace rein::infer {

/// The expected-band order of pyhf: the test statistic at +2σ, +1σ, 0, −1σ, −2σ of its
/// background-only distribution, i.e. ascending CLs (the "−2σ" band first).
inline constexpr std::array<double, 5> expected_band_sigmas = {2.0, 1.0, 0.0, -1.0, -2.0};

struct asymptotic_options {
  test_statistic statistic = test_statistic::q_mu_tilde;  ///< q_mu or q_mu_tilde
  fit::fit_options fit;
  /// Warn when a bin carrying the sensitivity expects fewer background events than this.
  double low_count_threshold = 5;
};

/// CLs at one μ, observed and expected.
struct hypotest_result {
  double mu = 0;
  double cls_obs = 0;
  double clsb_obs = 0;
  double clb_obs = 0;
  std::array<double, 5> cls_exp{};  ///< pyhf's order: ascending CLs (−2σ … +2σ bands)
  double q_obs = 0;                 ///< the test statistic on the observed data
  double q_asimov = 0;              ///< the test statistic on the background-only Asimov data
  fit::fit_status status = fit::fit_status::ok;  ///< worst status of the fits involved
};

/// The asymptotic calculator of Cowan, Cranmer, Gross and Vitells (arXiv:1007.1727) with pyhf's
/// conventions: the background-only Asimov data are the expected counts and auxiliary data at
/// θ̂̂(μ = 0) fitted to the observed data; with T the test statistic in its normal form
/// (√qμ − √qμ,A, or (qμ − qμ,A)/(2√qμ,A) on q̃μ's second branch),
/// CLs+b = Φ(−(T + √qμ,A)), CLb = Φ(−T), CLs = CLs+b/CLb; expected CLs at T = 2, 1, 0, −1, −2.
class asymptotic_calculator {
 public:
  /// @throws invalid_argument for a statistic other than q_mu / q_mu_tilde, or (from
  ///         profile_likelihood) a model without a free parameter of interest.
  asymptotic_calculator(const likelihood::model& model, const likelihood::dataset& observed,
                        asymptotic_options options = {})
      : asymptotic_calculator(model, checked(options), profile_likelihood(model, observed, options.fit)) {}

  [[nodiscard]] const profile_likelihood& observed() const { return m_observed; }
  [[nodiscard]] const profile_likelihood& asimov() const { return m_asimov; }
  [[nodiscard]] const asymptotic_options& options() const { return m_options; }

  /// √qμ,A, the test statistic on the background-only Asimov data.
  [[nodiscard]] double sqrt_q_asimov(double mu) const {
    return std::sqrt(test_statistic_value(m_options.statistic, m_asimov.t(mu), m_asimov.mu_hat(), mu));
  }

  /// Observed CLs, CLs+b and CLb at μ.
  [[nodiscard]] hypotest_result hypotest(double mu) const {
    hypotest_result r;
    r.mu = mu;
    r.q_obs = m_observed.statistic(m_options.statistic, mu);
    const double sqrt_qa = sqrt_q_asimov(mu);
    r.q_asimov = sqrt_qa * sqrt_qa;
    const double sqrt_q = std::sqrt(r.q_obs);
    double t = sqrt_q - sqrt_qa;
    if (m_options.statistic == test_statistic::q_mu_tilde && sqrt_q >= sqrt_qa && sqrt_qa > 0)
      t = (r.q_obs - r.q_asimov) / (2 * sqrt_qa);
    r.clsb_obs = normal_survival(t + sqrt_qa);
    r.clb_obs = normal_survival(t);
    r.cls_obs = r.clsb_obs / r.clb_obs;
    for (std::size_t k = 0; k < expected_band_sigmas.size(); ++k) r.cls_exp[k] = expected_cls_at(sqrt_qa, k);
    const fit::fit_status observed = m_observed.status_at(mu);
    r.status = observed != fit::fit_status::ok ? observed : m_asimov.status_at(mu);
    return r;
  }

  /// Expected CLs of band k (pyhf's order) at μ; needs only the Asimov fits.
  [[nodiscard]] double expected_cls(double mu, std::size_t band) const { return expected_cls_at(sqrt_q_asimov(mu), band); }

  /// Warnings about where asymptotics are poor: the bins that carry at least half of the
  /// sensitivity Σ s²/b (s, b expected signal and background at θ̂̂(0), signal = the change of
  /// the yield from μ = 0 to μ = 1) with fewer than `low_count_threshold` background events.
  [[nodiscard]] std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    const auto& model = m_observed.model();
    Eigen::VectorXd theta = m_asimov_parameters;
    const auto poi = static_cast<Eigen::Index>(m_observed.poi());
    const Eigen::VectorXd b = model.expected_main(theta);
    theta[poi] = 1;
    const Eigen::VectorXd s = model.expected_main(theta) - b;
    std::vector<std::pair<double, Eigen::Index>> sensitivity;
    double total = 0;
    for (Eigen::Index i = 0; i < b.size(); ++i) {
      const double w = b[i] > 0 ? s[i] * s[i] / b[i] : (s[i] > 0 ? std::numeric_limits<double>::infinity() : 0.0);
      sensitivity.emplace_back(w, i);
      total += w;
    }
    std::sort(sensitivity.rbegin(), sensitivity.rend());
    double covered = 0;
    for (const auto& [w, i] : sensitivity) {
      if (!(covered < 0.5 * total) || w == 0) break;
      covered += w;
      if (b[i] < m_options.low_count_threshold)
        out.push_back("asymptotic formulae are unreliable: sensitive bin " + std::to_string(i) + " expects " +
                      rein::detail::format_value(b[i]) + " background events (< " +
                      rein::detail::format_value(m_options.low_count_threshold) + "); use toys");
    }
    return out;
  }

 private:
  static const asymptotic_options& checked(const asymptotic_options& options) {
    if (options.statistic != test_statistic::q_mu && options.statistic != test_statistic::q_mu_tilde)
      throw invalid_argument(std::string("rein::infer::asymptotic_calculator: test statistic '") +
                             to_string(options.statistic) + "' has no asymptotic CLs here; use q or qtilde");
    return options;
  }

  static double expected_cls_at(double sqrt_qa, std::size_t band) {
    const double t = expected_band_sigmas[band];
    return normal_survival(t + sqrt_qa) / normal_survival(t);
  }

  // The fits in their order, each a value handed to the next step, so that no member's
  // initialisation reads another: the observed fits, then θ̂̂(0) from them, then the Asimov fits.
  asymptotic_calculator(const likelihood::model& model, const asymptotic_options& options, profile_likelihood&& observed)
      : asymptotic_calculator(model, options, std::move(observed), observed.conditional_fit(0.0).values) {}

  asymptotic_calculator(const likelihood::model& model, const asymptotic_options& options, profile_likelihood&& observed,
                        const Eigen::VectorXd& asimov_parameters)
      : m_options(options), m_asimov_parameters(asimov_parameters), m_observed(std::move(observed)),
        m_asimov(model, asimov_data(model, asimov_parameters), options.fit) {}

  asymptotic_options m_options;
  Eigen::VectorXd m_asimov_parameters;
  profile_likelihood m_observed;
  profile_likelihood m_asimov;
};

}  // namespace rein::infer
