// A search for B⁺→K⁺X, X invisible, on the published Belle II B⁺→K⁺νν̄ data (the redist file of
// the WET reinterpretation, arXiv:2507.12393): the SM (HPQCD) null plus a narrow resonance
// (`sm-plus-invisible-resonance`, width 0.1 GeV, br_x in 10⁻⁶; docs/models.md).
//  1. the profile-likelihood scan in m_x: q(m) = 2[nll(br_x = 0) − nll(m_x = m)] on a grid;
//  2. the best fit (m_x, br_x): the free fit started at the scan's best point;
//  3. local and global significance against the SM (infer/global_significance.hpp): χ̄² and toys
//     at the best mass, toys of max_m q(m), the trials factor, Gross & Vitells' bound;
//  4. 95% CL CLs upper limits on br_x (asymptotic) at each mass of a coarser grid (0.5–3.5 GeV:
//     above, the efficiency vanishes and the limit reaches br_x's bound);
//  5. the (m_x, br_x) posterior (uniform priors within the bounds, every nuisance sampled) by NUTS
//     started at the scan's two highest peaks, the modes weighted by their evidences
//     (bayes/multistart.hpp), with 68% and 95% HDIs.
// JSON on stdout; tests/examples/invisible_resonance_check.py checks it against closed forms.
// Its "limits" block has the keys of `rein upper-limit --over m_x=LO:HI:N`, so that
// `--limits-out FILE.json` writes a file `scripts/rein-plot brazil FILE.json OUT.png` draws as the
// Brazil plot of the limit against m_x (docs/models.md).
//
// usage: belle2_knunu_invisible [--toys 16] [--scan LO:HI:N] [--limits LO:HI:N] [--warmup 150]
//                               [--draws 250] [--seed 1] [--threads 2] [--file FILE.json]
//                               [--limits-out FILE.json]
#include <rein/bayes/model_posterior.hpp>
#include <rein/bayes/multistart.hpp>
#include <rein/bayes/summary.hpp>
#include <rein/fit/maximum_likelihood.hpp>
#include <rein/infer/asymptotic.hpp>
#include <rein/infer/global_significance.hpp>
#include <rein/infer/upper_limit.hpp>
#include <rein/io/load_model.hpp>

#include <nlohmann/json.hpp>

#include "../common/command_line.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct grid {
  double lo, hi;
  std::size_t n;
  [[nodiscard]] std::vector<double> values() const {
    std::vector<double> v;
    for (std::size_t k = 0; k < n; ++k) v.push_back(n == 1 ? lo : lo + (hi - lo) * static_cast<double>(k) / static_cast<double>(n - 1));
    return v;
  }
};

struct settings {
  std::size_t toys = 16, warmup = 150, draws = 250;
  grid scan{0.3, 4.5, 22}, limits{0.5, 3.5, 4};
  std::uint64_t seed = 1;
  unsigned threads = 2;
  std::string file = std::string(REIN_DATA_DIR) + "/belle2-knunu/reinterpretation_likelihood_wet.json";
  std::string limits_out;  // empty: the limits only in the summary on stdout
};

grid parse_grid(const std::string& flag, const std::string& text) {
  grid g{};
  char* end = nullptr;
  const auto first = text.find(':'), second = text.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos) throw std::runtime_error(flag + " " + text + ": need LO:HI:N");
  g.lo = std::strtod(text.substr(0, first).c_str(), &end);
  g.hi = std::strtod(text.substr(first + 1, second - first - 1).c_str(), &end);
  g.n = std::strtoull(text.substr(second + 1).c_str(), &end, 10);
  if (g.n == 0 || !(g.lo <= g.hi)) throw std::runtime_error(flag + " " + text + ": need LO <= HI and N >= 1");
  return g;
}

settings parse(int argc, char** argv) {
  settings s;
  examples::for_each_option(argc, argv, [&s](const std::string& flag, const std::string& value) {
    if (flag == "--toys") s.toys = examples::count_of(flag, value, true);
    else if (flag == "--warmup") s.warmup = examples::count_of(flag, value);
    else if (flag == "--draws") s.draws = examples::count_of(flag, value);
    else if (flag == "--seed") s.seed = examples::count_of(flag, value);
    else if (flag == "--threads") s.threads = static_cast<unsigned>(examples::count_of(flag, value));
    else if (flag == "--scan") s.scan = parse_grid(flag, value);
    else if (flag == "--limits") s.limits = parse_grid(flag, value);
    else if (flag == "--file") s.file = value;
    else if (flag == "--limits-out") s.limits_out = value;
    else throw std::runtime_error("unknown option " + flag);
  });
  return s;
}


rein::likelihood::model load(const settings& s, const std::vector<std::pair<std::string, double>>& fixed = {}) {
  rein::io::load_options options;
  options.null = "hpqcd-b-to-k-nunu";
  options.alternative = "sm-plus-invisible-resonance";
  options.model.poi = "br_x";
  options.model.fixed = fixed;
  return rein::io::load_model(s.file, options).model;
}

double value_of(const rein::likelihood::model& model, const Eigen::VectorXd& theta, const std::string& name) {
  return theta[static_cast<Eigen::Index>(model.parameters().index(name))];
}

nlohmann::json interval_json(const rein::bayes::credible_interval& c) {
  return {{"prob", c.prob}, {"lower", c.lower}, {"upper", c.upper}, {"kind", c.kind}};
}

}  // namespace

int main(int argc, char** argv) try {
  const auto options = parse(argc, argv);
  const auto begin = std::chrono::steady_clock::now();
  const auto model = load(options);
  bool ok = true;

  // 1 + 3: the profile scan in m_x is the global-significance scan's q(m)
  const auto masses = options.scan.values();
  std::vector<rein::infer::held_parameters> points;
  for (const double m : masses) points.push_back({{"m_x", m}});
  rein::infer::global_significance_options significance_options;
  significance_options.toys = options.toys;
  significance_options.seed = options.seed;
  significance_options.threads = options.threads;
  const auto significance =
      rein::infer::global_significance(model, model.observed(), {{"br_x", 0.0}}, points, significance_options);
  ok = ok && significance.status == rein::fit::fit_status::ok && significance.failed == 0;
  const double scan_seconds = examples::seconds_since(begin);

  // 2: the best fit, m_x free, started at the scan's best point
  rein::fit::fit_options free_options;
  free_options.start = significance.local.free.values;
  const auto best = rein::fit::fit(model, model.observed(), free_options);
  ok = ok && best.ok();
  const double q_best = std::max(0.0, significance.local.null.twice_nll - best.twice_nll);

  // 4: asymptotic CLs limits on br_x at each mass, and σ(br_x) of the Asimov fit at br_x = 0 (the
  // median expected limit is ≈ 1.96σ for a parabolic likelihood: the checker's reference)
  nlohmann::json limits = nlohmann::json::array();
  bool limits_ok = true;
  for (const double m : options.limits.values()) {
    const auto at_mass = load(options, {{"m_x", m}});
    const rein::infer::asymptotic_calculator calculator(at_mass, at_mass.observed());
    const auto limit = rein::infer::upper_limit(calculator);
    Eigen::VectorXd truth = at_mass.parameters().inits();
    truth[static_cast<Eigen::Index>(at_mass.parameters().index("br_x"))] = 0.0;
    const auto asimov = rein::fit::fit(at_mass, rein::infer::asimov_data(at_mass, truth));
    nlohmann::json exp = nlohmann::json::array(), exp_status = nlohmann::json::array();
    for (std::size_t k = 0; k < 5; ++k) exp.push_back(limit.exp[k]), exp_status.push_back(rein::infer::to_string(limit.exp_status[k]));
    // "value", "poi", "cl": the keys of a point of rein upper-limit --over, for rein-plot brazil
    limits.push_back({{"m_x", m}, {"value", m}, {"poi", "br_x"}, {"cl", 0.95}, {"obs", limit.obs}, {"exp", exp}, {"obs_status", rein::infer::to_string(limit.obs_status)},
                      {"exp_status", exp_status},
                      {"sigma_br_x_asimov", asimov.errors[static_cast<Eigen::Index>(at_mass.parameters().index("br_x"))]}});
    limits_ok = limits_ok && limit.fit_status == rein::fit::fit_status::ok && limit.obs_status == rein::infer::limit_status::ok;
  }
  ok = ok && limits_ok;
  const double limit_seconds = examples::seconds_since(begin);
  const nlohmann::json limit_scan = {{"cl", 0.95},
                                     {"over", "m_x"},
                                     {"points", limits},
                                     {"status", limits_ok ? "ok" : "not_converged"},
                                     {"seconds", limit_seconds - scan_seconds}};
  if (!options.limits_out.empty()) {
    std::ofstream out(options.limits_out);
    out << limit_scan.dump(2) << '\n';
    if (!out) throw std::runtime_error("--limits-out " + options.limits_out + ": cannot write the file");
  }

  // 5: the posterior from the scan's two highest local maxima (one if it has one)
  std::vector<std::size_t> peaks;
  const auto& q = significance.q;
  for (std::size_t k = 0; k < q.size(); ++k)
    if ((k == 0 || q[k] >= q[k - 1]) && (k + 1 == q.size() || q[k] > q[k + 1])) peaks.push_back(k);
  std::sort(peaks.begin(), peaks.end(), [&](std::size_t a, std::size_t b) { return q[a] > q[b]; });
  if (peaks.size() > 2) peaks.resize(2);
  const rein::bayes::model_posterior posterior(model, model.observed());
  std::vector<Eigen::VectorXd> starts;
  nlohmann::json start_masses = nlohmann::json::array();
  for (const std::size_t k : peaks) {
    rein::fit::fit_options at_peak;
    at_peak.fixed = {{"m_x", masses[k]}};
    at_peak.errors = false;
    Eigen::VectorXd theta = rein::fit::fit(model, model.observed(), at_peak).values;
    starts.push_back(posterior.start_point(theta));
    start_masses.push_back(masses[k]);
  }
  rein::bayes::multistart_options sampling;
  sampling.nuts.chains = 2;
  sampling.nuts.warmup = options.warmup;
  sampling.nuts.draws = options.draws;
  sampling.nuts.seed = options.seed;
  sampling.nuts.threads = options.threads;
  sampling.nuts.init_radius = 0.05;
  const auto sampled = rein::bayes::sample_multistart(posterior.as_target(), starts, sampling);
  const auto names = posterior.as_target().names;
  const auto index_of = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  const auto summarize_pair = [&](const rein::bayes::posterior_draws& draws) {
    const auto summary = rein::bayes::summarize(draws);
    nlohmann::json out;
    for (const std::string name : {"m_x", "br_x"}) {
      const auto& s = summary.parameters[index_of(name)];
      out[name] = {{"mean", s.mean}, {"sd", s.sd}, {"hdi68", interval_json(s.hdi[0])}, {"hdi95", interval_json(s.hdi[1])}};
    }
    return out;
  };
  nlohmann::json modes = nlohmann::json::array();
  for (const auto& mode : sampled.modes) {
    auto m = summarize_pair(mode.draws);
    double rhat = 0, ess = std::numeric_limits<double>::infinity();
    for (const std::string name : {"m_x", "br_x"}) {
      const auto& d = mode.diagnostics.parameters[index_of(name)];
      rhat = std::max(rhat, d.rhat);
      ess = std::min(ess, d.ess_bulk);
    }
    nlohmann::json from = nlohmann::json::array();
    for (const std::size_t k : mode.starts) from.push_back(start_masses[k]);
    m["start_m_x"] = from;
    m["weight"] = mode.weight;
    m["weight_error"] = mode.weight_error;
    m["log_z"] = mode.evidence.log_z;
    m["log_z_error"] = mode.evidence.log_z_error;
    m["rhat_max"] = rhat;
    m["ess_bulk_min"] = ess;
    modes.push_back(m);
  }
  auto mixture = summarize_pair(sampled.combined);
  mixture["modes"] = modes;
  mixture["warnings"] = sampled.warnings;
  mixture["status"] = rein::bayes::to_string(sampled.status);
  mixture["chains_per_start"] = sampling.nuts.chains;
  mixture["warmup"] = sampling.nuts.warmup;
  mixture["draws"] = sampling.nuts.draws;
  ok = ok && sampled.status == rein::bayes::sample_status::ok;

  const auto& local = significance.local;
  const nlohmann::json result = {
      {"profile_scan", {{"m_x", masses}, {"q", significance.q}}},
      {"best_fit",
       {{"m_x", value_of(model, best.values, "m_x")},
        {"br_x", value_of(model, best.values, "br_x")},
        {"m_x_error", value_of(model, best.errors, "m_x")},
        {"br_x_error", value_of(model, best.errors, "br_x")},
        {"q", q_best},
        {"status", rein::fit::to_string(best.status)}}},
      {"significance",
       {{"local",
         {{"m_x", masses[significance.best]},
          {"q", significance.q_max},
          {"p_chi2", local.p_chi2},
          {"z_chi2", local.z_chi2},
          {"p_chibar2", local.p_chibar2},
          {"z_chibar2", local.z_chibar2},
          {"chibar2_weights", local.chibar2_weights},
          {"p_toys", significance.p_local},
          {"z_toys", significance.z_local},
          {"exceeding", significance.local_exceeding}}},
        {"global",
         {{"p_toys", significance.p_global},
          {"z_toys", significance.z_global},
          {"exceeding", significance.global_exceeding},
          {"upcrossing_level", significance_options.upcrossing_level},
          {"mean_upcrossings", significance.mean_upcrossings},
          {"p_gross_vitells", significance.p_global_asymptotic},
          {"z_gross_vitells", significance.z_global_asymptotic}}},
        {"trials_factor", significance.trials_factor},
        {"trials_factor_gross_vitells", significance.trials_factor_asymptotic},
        {"toys", significance.toys},
        {"failed", significance.failed}}},
      {"limits", limit_scan},
      {"posterior", mixture},
      {"status", ok ? "ok" : "not_converged"},
      {"scan_seconds", scan_seconds},
      {"limit_seconds", limit_seconds - scan_seconds},
      {"seconds", examples::seconds_since(begin)}};
  std::cout << result.dump(2) << '\n';
  return ok ? 0 : 3;
} catch (const std::exception& e) {
  std::cerr << "belle2_knunu_invisible: " << e.what() << '\n';
  return 1;
}
