#pragma once

// Posterior draws (rein::bayes::posterior_draws) in HDF5, format "rein-posterior-draws"
// (docs/formats.md): root attributes format/format_version; group /draws with the string-array
// attribute `names`, datasets `lower` and `upper` (n_parameters), and per chain c the datasets
// `chain_<c>` (n_draws × n_parameters, row-major: draw slowest) and `log_prob_<c>` (n_draws);
// optionally group /summary with the bayes::summarize results (see write_posterior_draws).
#include "rein/bayes/draws.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/core/error.hpp"
#include "rein/io/hdf5/detail/layout.hpp"
#include "rein/io/hdf5/file.hpp"

#include <Eigen/Core>

#include <string>
#include <vector>

namespace rein::io::hdf5 {

/// Value of the root attribute `format` of a posterior-draws file.
inline constexpr const char* posterior_draws_format = "rein-posterior-draws";

/// Writes `draws` to a new file (an existing one is replaced; on failure no file is left), and,
/// when given, their summary in /summary: datasets `mean`, `sd`, `mode` (n_parameters),
/// `quantiles` (n_parameters × n_probs, probabilities in `quantile_probs`), `hdi` (n_parameters ×
/// n_probs × 2: lower, upper; probabilities in `hdi_probs`), `upper_limits` (n_parameters ×
/// n_probs; `upper_limit_probs`), and the string attribute `hdi_kinds` (per parameter and
/// probability, parameter slowest).
/// @throws rein::invalid_argument for draws without chains or with chains of different shapes,
///         or a summary of other parameters
/// @throws rein::io_error if the file cannot be written
inline void write_posterior_draws(const std::string& path, const bayes::posterior_draws& draws,
                                  const bayes::posterior_summary* summary = nullptr) {
  const std::string function = "rein::io::hdf5::write_posterior_draws";
  const auto n = static_cast<Eigen::Index>(draws.n_parameters());
  if (draws.n_chains() == 0) throw invalid_argument(function + ": no chains to write");
  for (std::size_t c = 0; c < draws.n_chains(); ++c)
    if (draws.chains[c].cols() != n || draws.chains[c].rows() != draws.chains[0].rows() ||
        draws.log_prob.size() != draws.n_chains() || draws.log_prob[c].size() != draws.chains[c].rows())
      throw invalid_argument(function + ": chain " + std::to_string(c) + " does not have the shape of chain 0 (" +
                             std::to_string(draws.n_draws()) + " draws × " + std::to_string(n) + " parameters) and a log_prob per draw");
  if (summary && summary->parameters.size() != draws.n_parameters())
    throw invalid_argument(function + ": the summary has " + std::to_string(summary->parameters.size()) +
                           " parameters, the draws " + std::to_string(draws.n_parameters()));
  detail::write_whole_file(path, function, [&](file& f) {
    detail::write_format(f, posterior_draws_format);
    if (summary) {
      f.create_group("/summary");
      const std::size_t n_params = summary->parameters.size();
      std::vector<double> mean, sd, mode, quantiles, hdi, limits;
      std::vector<std::string> kinds;
      for (const auto& p : summary->parameters) {
        mean.push_back(p.mean), sd.push_back(p.sd), mode.push_back(p.mode);
        quantiles.insert(quantiles.end(), p.quantiles.begin(), p.quantiles.end());
        for (const auto& h : p.hdi) hdi.push_back(h.lower), hdi.push_back(h.upper), kinds.push_back(h.kind);
        limits.insert(limits.end(), p.upper_limits.begin(), p.upper_limits.end());
      }
      f.write_doubles("/summary/mean", {n_params}, mean);
      f.write_doubles("/summary/sd", {n_params}, sd);
      f.write_doubles("/summary/mode", {n_params}, mode);
      f.write_doubles("/summary/quantile_probs", {summary->quantile_probs.size()}, summary->quantile_probs);
      f.write_doubles("/summary/quantiles", {n_params, summary->quantile_probs.size()}, quantiles);
      f.write_doubles("/summary/hdi_probs", {summary->hdi_probs.size()}, summary->hdi_probs);
      f.write_doubles("/summary/hdi", {n_params, summary->hdi_probs.size(), 2}, hdi);
      f.write_strings("/summary", "hdi_kinds", kinds);
      f.write_doubles("/summary/upper_limit_probs", {summary->upper_limit_probs.size()}, summary->upper_limit_probs);
      f.write_doubles("/summary/upper_limits", {n_params, summary->upper_limit_probs.size()}, limits);
    }
    f.create_group("/draws");
    f.write_strings("/draws", "names", draws.names);
    f.write_doubles("/draws/lower", {draws.n_parameters()}, std::vector<double>(draws.lower.data(), draws.lower.data() + n));
    f.write_doubles("/draws/upper", {draws.n_parameters()}, std::vector<double>(draws.upper.data(), draws.upper.data() + n));
    for (std::size_t c = 0; c < draws.n_chains(); ++c) {
      const Eigen::MatrixXd& m = draws.chains[c];
      std::vector<double> values;
      values.reserve(static_cast<std::size_t>(m.size()));
      for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) values.push_back(m(i, j));
      f.write_doubles("/draws/chain_" + std::to_string(c), {draws.n_draws(), draws.n_parameters()}, values);
      f.write_doubles("/draws/log_prob_" + std::to_string(c), {draws.n_draws()},
                      std::vector<double>(draws.log_prob[c].data(), draws.log_prob[c].data() + draws.log_prob[c].size()));
    }
  });
}

/// Reads a posterior-draws file.
/// @throws rein::io_error naming the file and the dataset for a missing, truncated or foreign
///         file, a missing dataset, or shapes that disagree with `names`
inline bayes::posterior_draws read_posterior_draws(const std::string& path) {
  const file f = file::open(path, "rein::io::hdf5::read_posterior_draws", file::group("/draws"));
  detail::check_format(f, posterior_draws_format);
  bayes::posterior_draws draws;
  draws.names = f.read_strings("/draws", "names");
  const std::size_t n = draws.names.size();
  const auto vector = [&](const std::string& dataset, std::size_t size) {
    const auto a = f.read_doubles(dataset);
    if (a.shape != std::vector<std::size_t>{size})
      f.fail(file::dataset(dataset), "expected " + std::to_string(size) + " values (one per name), found another shape");
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(a.values.data(), static_cast<Eigen::Index>(size)));
  };
  draws.lower = vector("/draws/lower", n);
  draws.upper = vector("/draws/upper", n);
  for (std::size_t c = 0; f.exists("/draws/chain_" + std::to_string(c)); ++c) {
    const std::string dataset = "/draws/chain_" + std::to_string(c);
    const auto a = f.read_doubles(dataset);
    if (a.shape.size() != 2 || a.shape[1] != n || (c > 0 && a.shape[0] != draws.n_draws()))
      f.fail(file::dataset(dataset), "expected draws × " + std::to_string(n) + " parameters, as chain_0");
    Eigen::MatrixXd m(static_cast<Eigen::Index>(a.shape[0]), static_cast<Eigen::Index>(n));
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j) m(i, j) = a.values[static_cast<std::size_t>(i) * n + static_cast<std::size_t>(j)];
    draws.chains.push_back(std::move(m));
    draws.log_prob.push_back(vector("/draws/log_prob_" + std::to_string(c), a.shape[0]));
  }
  if (draws.chains.empty()) f.fail(file::dataset("/draws/chain_0"), "is missing: the file holds no chain");
  return draws;
}

}  // namespace rein::io::hdf5
