#pragma once

#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parameter_layout.hpp"
#include "rein/likelihood/model/bin_function.hpp"
#include "rein/likelihood/model/dataset.hpp"
#include "rein/likelihood/model/detail/compiled_sample.hpp"
#include "rein/likelihood/model/detail/poisson_term.hpp"
#include "rein/likelihood/model/interpolation.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// Where a channel's bins sit in the main-bin vector, and its samples.
struct channel_layout {
  std::string name;
  std::size_t offset = 0;
  std::size_t bins = 0;
  std::vector<std::string> samples;
};

/// One sample of a compiled model as its users see it (model::samples()): where its bins sit and
/// which parameters its HistFactory modifiers read. Its expected count in bin b is
/// ν_b = (nominal_b + Σ histosys shifts_b) · Π scalar factors · Π per-bin factors_b · Π custom factors_b
/// (docs/likelihood.md); the compiled form the model evaluates stays internal.
struct sample_info {
  std::string channel;
  std::string name;
  std::size_t offset = 0;        ///< index of the sample's first bin in the main-bin vector
  std::vector<double> nominal;   ///< nominal yields, one per bin of its channel
  /// The parameter of each factor common to all bins (normfactor, lumi, normsys), in the order applied.
  std::vector<std::size_t> scalar_parameters;
  /// The parameter of each additive shift (histosys).
  std::vector<std::size_t> shift_parameters;
  /// Each per-bin factor (staterror, shapesys, shapefactor): the parameter of each bin.
  std::vector<std::vector<std::size_t>> bin_parameters;
  /// Whether a normsys or histosys is interpolated with code0 (a kink at 0) or code2 (quadratic and
  /// linear pieces): then nll can be non-convex in its parameter.
  bool nonconvex_interpolation = false;
};

/// A custom modifier as compiled into a model (model::custom_modifiers()): its function and the
/// model's indices of the function's inputs.
struct custom_modifier_info {
  std::string name;
  std::shared_ptr<const bin_function> function;
  std::vector<std::size_t> inputs;
};

namespace detail {
struct model_access;
}  // namespace detail

/// Sample-bin yields ν_sb(θ) and their Jacobian ∂ν_sb/∂θ_j (model::yield_jacobian).
struct sample_yields {
  /// ν_sb for the samples in the order of model::samples() and their bins in order.
  Eigen::VectorXd values;
  /// Row sb: ∂ν_sb/∂θ (one column per parameter of the layout).
  Eigen::MatrixXd jacobian;
  /// Row of each sample's first bin in `values` and `jacobian`, in the order of model::samples().
  std::vector<std::size_t> first;
};

/// A compiled HistFactory likelihood: flat arrays built once from a workspace, evaluated many times.
///
/// nll(θ) = −Σ_b [n_b ln ν_b(θ) − ν_b(θ) − ln Γ(n_b + 1)] − Σ_constrained ln p(aux_i | θ_i),
/// with Gaussian (normal) and continuous-Poisson constraint densities fully normalised, so that
/// 2·nll equals pyhf's `twice_nll`. A main bin with ν_b < 0, or ν_b = 0 with n_b > 0, gives +∞.
/// All members are const and thread-safe. Models are made by make_model (from a workspace) and by
/// the operations on models (mask_channels, fix_parameters, reparametrize).
class model {
 public:
  [[nodiscard]] const parameter_layout& parameters() const { return m_parameters; }
  [[nodiscard]] const std::vector<channel_layout>& channels() const { return m_channels; }
  /// The samples, channel by channel in model order: the order of yield_jacobian's rows and of
  /// yields_without_bin_factors.
  [[nodiscard]] const std::vector<sample_info>& samples() const { return m_sample_info; }
  [[nodiscard]] const std::vector<custom_modifier_info>& custom_modifiers() const { return m_customs; }
  /// Number of main bins (all channels).
  [[nodiscard]] std::size_t main_bins() const { return m_main_bins; }
  /// Indices of the constrained parameters, in the order of the auxiliary data.
  [[nodiscard]] const std::vector<std::size_t>& constrained() const { return m_constrained; }
  /// The workspace's observations and the nominal auxiliary data.
  [[nodiscard]] const dataset& observed() const { return m_observed; }

  /// Expected counts ν_b(θ) in the main bins.
  /// @throws invalid_argument if θ has the wrong size.
  [[nodiscard]] Eigen::VectorXd expected_main(const Eigen::VectorXd& theta) const {
    check_parameters(theta);
    const auto y = compute(theta, false);
    return Eigen::Map<const Eigen::VectorXd>(y.nu.data(), static_cast<Eigen::Index>(y.nu.size()));
  }

  /// Expected counts of one sample in its channel's bins.
  /// @throws invalid_argument for an unknown channel or sample, or θ of the wrong size.
  [[nodiscard]] Eigen::VectorXd expected_sample(const Eigen::VectorXd& theta, const std::string& channel,
                                                const std::string& sample) const {
    check_parameters(theta);
    const auto y = compute(theta, false);
    std::size_t sb = 0;
    for (std::size_t si = 0; si < m_samples.size(); ++si) {
      const auto& s = m_samples[si];
      if (s.channel == channel && s.name == sample) {
        Eigen::VectorXd nu(static_cast<Eigen::Index>(s.nominal.size()));
        for (std::size_t b = 0; b < s.nominal.size(); ++b)
          nu[static_cast<Eigen::Index>(b)] = y.shifted[sb + b] * y.scales[si] * y.gammas[sb + b] * y.customs[sb + b];
        return nu;
      }
      sb += s.nominal.size();
    }
    throw invalid_argument("rein::likelihood::model::expected_sample: no sample '" + sample + "' in channel '" +
                           channel + "'");
  }

  /// Each sample bin's expected count without its per-bin factors (staterror, shapesys, shapefactor
  /// γ): (nominal + Σ histosys shifts) · Π scalar factors · Π custom factors, for the samples in the
  /// order of samples() and their bins in order. With them ν_b = Σ_s y_sb · Π_f γ_f,sb, which
  /// per-bin profiling minimises bin by bin (fit::fit, docs/fit.md).
  /// @throws invalid_argument if θ has the wrong size.
  [[nodiscard]] std::vector<double> yields_without_bin_factors(const Eigen::VectorXd& theta) const {
    check_parameters(theta);
    auto y = compute(theta, false);
    std::size_t sb = 0;
    for (std::size_t si = 0; si < m_samples.size(); ++si)
      for (std::size_t b = 0; b < m_samples[si].nominal.size(); ++b, ++sb) y.shifted[sb] *= y.scales[si] * y.customs[sb];
    return std::move(y.shifted);
  }

  /// The auxiliary data that the constraints expect at θ: θ_i for normal, θ_i·τ_i for Poisson.
  [[nodiscard]] Eigen::VectorXd expected_aux(const Eigen::VectorXd& theta) const {
    check_parameters(theta);
    Eigen::VectorXd aux(static_cast<Eigen::Index>(m_constrained.size()));
    for (std::size_t k = 0; k < m_constrained.size(); ++k) {
      const auto& p = m_parameters[m_constrained[k]];
      const double t = theta[static_cast<Eigen::Index>(m_constrained[k])];
      aux[static_cast<Eigen::Index>(k)] = p.constraint == constraint_kind::poisson ? t * p.factor : t;
    }
    return aux;
  }

  /// −ln L(θ) on `data`.
  [[nodiscard]] double nll(const Eigen::VectorXd& theta, const dataset& data) const {
    check_parameters(theta);
    check_dataset(data, "data");
    return evaluate(theta, data, nullptr);
  }

  /// −ln L(θ) on the observed data.
  [[nodiscard]] double nll(const Eigen::VectorXd& theta) const { return nll(theta, m_observed); }

  /// −ln L(θ) on `data` and its analytic gradient, written into `gradient` (resized).
  double nll_and_gradient(const Eigen::VectorXd& theta, const dataset& data, Eigen::VectorXd& gradient) const {
    check_parameters(theta);
    check_dataset(data, "data");
    gradient.setZero(static_cast<Eigen::Index>(m_parameters.size()));
    return evaluate(theta, data, &gradient);
  }

  /// −2 ln L(θ) on `data`.
  [[nodiscard]] double twice_nll(const Eigen::VectorXd& theta, const dataset& data) const {
    return 2 * nll(theta, data);
  }

  /// Every sample bin's expected count ν_sb(θ) = A_b·S·G_b·C_b and its exact derivatives, from the
  /// yields that expected_main and nll use: A_b = nominal_b + Σ_h Δ_hb(α_h) (histosys), S = Π
  /// scalar factors (normfactor, lumi, normsys), G_b = Π per-bin factors (staterror, shapesys,
  /// shapefactor), C_b = Π custom factors; the derivatives by the product and chain rules with the
  /// interpolation derivatives of the nll gradient and the custom modifiers' own Jacobians. No
  /// division by a factor: a signal strength at 0 still has ∂ν/∂μ = A·G·C·(other factors).
  /// Contracted with (1 − n_b/ν_b) the rows give the nll gradient. Dense: (sample bins) × (parameters).
  /// @throws invalid_argument if θ has the wrong size.
  [[nodiscard]] sample_yields yield_jacobian(const Eigen::VectorXd& theta) const {
    check_parameters(theta);
    const auto y = compute(theta, true);
    sample_yields out;
    out.values.resize(static_cast<Eigen::Index>(m_sample_bins));
    out.jacobian = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(m_sample_bins), static_cast<Eigen::Index>(m_parameters.size()));
    std::size_t sb = 0, sh = 0;
    for (std::size_t si = 0; si < m_samples.size(); ++si) {
      const auto& s = m_samples[si];
      out.first.push_back(sb);
      const double scale = y.scales[si];
      // scalar factors: prefix and suffix products give Π_{j≠k} f_j without dividing
      const std::size_t n = s.scalars.size();
      std::vector<double> values(n), derivatives(n), suffix(n + 1, 1.0);
      for (std::size_t k = 0; k < n; ++k) values[k] = factor_value(s.scalars[k], theta, derivatives[k]);
      for (std::size_t k = n; k-- > 0;) suffix[k] = suffix[k + 1] * values[k];
      for (std::size_t b = 0; b < s.nominal.size(); ++b, ++sb) {
        const auto row = static_cast<Eigen::Index>(sb);
        const auto column = [](std::size_t parameter) { return static_cast<Eigen::Index>(parameter); };
        const double a = y.shifted[sb], gamma = y.gammas[sb], custom = y.customs[sb];
        out.values[row] = a * scale * gamma * custom;
        double prefix = 1;
        for (std::size_t k = 0; k < n; ++k) {
          out.jacobian(row, column(s.scalars[k].parameter)) += a * gamma * custom * prefix * suffix[k + 1] * derivatives[k];
          prefix *= values[k];
        }
        for (std::size_t h = 0; h < s.shifts.size(); ++h) {
          const auto& w = y.weights[sh + h];
          out.jacobian(row, column(s.shifts[h].parameter)) +=
              scale * gamma * custom * (w.du * s.shifts[h].p[b] + w.dv * s.shifts[h].q[b]);
        }
        for (std::size_t f = 0; f < s.bin_factors.size(); ++f) {
          double others = a * scale * custom;
          for (std::size_t g = 0; g < s.bin_factors.size(); ++g)
            if (g != f) others *= theta[column(s.bin_factors[g].parameters[b])];
          out.jacobian(row, column(s.bin_factors[f].parameters[b])) += others;
        }
        for (std::size_t f = 0; f < s.customs.size(); ++f) {
          double others = a * scale * gamma;
          for (std::size_t g = 0; g < s.customs.size(); ++g)
            if (g != f) others *= y.custom_values[s.customs[g].modifier][s.customs[g].offset + b];
          const auto& ref = s.customs[f];
          const auto& inputs = m_customs[ref.modifier].inputs;
          const double* jacobian = y.custom_jacobians[ref.modifier].data() + (ref.offset + b) * inputs.size();
          for (std::size_t k = 0; k < inputs.size(); ++k) out.jacobian(row, column(inputs[k])) += others * jacobian[k];
        }
      }
      sh += s.shifts.size();
    }
    return out;
  }

 private:
  friend struct detail::model_access;

  model(parameter_layout parameters, std::vector<channel_layout> channels, std::vector<detail::compiled_sample> samples,
        dataset observed, std::vector<custom_modifier_info> customs)
      : m_parameters(std::move(parameters)), m_channels(std::move(channels)), m_samples(std::move(samples)),
        m_customs(std::move(customs)), m_observed(std::move(observed)) {
    for (const auto& c : m_channels) m_main_bins += c.bins;
    for (std::size_t i = 0; i < m_parameters.size(); ++i)
      if (m_parameters[i].constraint != constraint_kind::none) m_constrained.push_back(i);
    for (const auto& s : m_samples) {
      m_sample_bins += s.nominal.size();
      m_shift_count += s.shifts.size();
      m_sample_info.push_back(info_of(s));
    }
    for (std::size_t i : m_constrained)
      if (m_parameters[i].constraint == constraint_kind::normal) m_normal_constant += std::log(m_parameters[i].sigma) + half_log_two_pi;
    check_dataset(m_observed, "observed data");
  }

  // What samples() shows of a compiled sample.
  static sample_info info_of(const detail::compiled_sample& s) {
    sample_info info{s.channel, s.name, s.offset, s.nominal, {}, {}, {}, false};
    for (const auto& f : s.scalars) {
      info.scalar_parameters.push_back(f.parameter);
      if (f.additive_code) info.nonconvex_interpolation = true;
    }
    for (const auto& h : s.shifts) {
      info.shift_parameters.push_back(h.parameter);
      if (h.code == interpolation_code::code0 || h.code == interpolation_code::code2) info.nonconvex_interpolation = true;
    }
    for (const auto& f : s.bin_factors) info.bin_parameters.push_back(f.parameters);
    return info;
  }

  void check_parameters(const Eigen::VectorXd& theta) const {
    if (static_cast<std::size_t>(theta.size()) != m_parameters.size())
      throw invalid_argument("rein::likelihood::model: parameter vector has " + std::to_string(theta.size()) +
                             " entries, the model has " + std::to_string(m_parameters.size()) + " parameters");
  }

  void check_dataset(const dataset& data, const char* what) const {
    if (static_cast<std::size_t>(data.main.size()) != m_main_bins)
      throw invalid_argument(std::string("rein::likelihood::model: ") + what + " has " +
                             std::to_string(data.main.size()) + " main bins, the model has " +
                             std::to_string(m_main_bins));
    if (static_cast<std::size_t>(data.aux.size()) != m_constrained.size())
      throw invalid_argument(std::string("rein::likelihood::model: ") + what + " has " +
                             std::to_string(data.aux.size()) + " auxiliary data, the model has " +
                             std::to_string(m_constrained.size()) + " constrained parameters");
  }

  static double factor_value(const detail::scalar_factor& f, const Eigen::VectorXd& theta, double& derivative) {
    const double t = theta[static_cast<Eigen::Index>(f.parameter)];
    if (!f.interpolated) {
      derivative = 1;
      return t;
    }
    double value = 0;
    f.interp.evaluate(t, value, derivative);
    return f.additive_code ? 1 + value : value;
  }

  static double scalar_product(const detail::compiled_sample& s, const Eigen::VectorXd& theta) {
    double product = 1, unused = 0;
    for (const auto& f : s.scalars) product *= factor_value(f, theta, unused);
    return product;
  }

  // The yields and everything their derivatives need, from one pass over the samples.
  struct yields {
    std::vector<double> nu;        ///< per main bin
    std::vector<double> shifted;   ///< per sample bin: A_b = nominal + Σ shifts
    std::vector<double> gammas;    ///< per sample bin: Π per-bin parameters
    std::vector<double> customs;   ///< per sample bin: Π custom factors
    std::vector<double> scales;    ///< per sample: Π scalar factors
    std::vector<additive_weights> weights;         ///< per shift (with derivatives)
    std::vector<std::vector<double>> custom_values;     ///< per custom modifier: its outputs
    std::vector<std::vector<double>> custom_jacobians;  ///< per custom modifier: outputs × inputs
  };

  yields compute(const Eigen::VectorXd& theta, bool derivatives) const {
    yields y;
    y.nu.assign(m_main_bins, 0.0);
    y.shifted.resize(m_sample_bins);
    y.gammas.resize(m_sample_bins);
    y.customs.assign(m_sample_bins, 1.0);
    y.scales.resize(m_samples.size());
    y.weights.resize(m_shift_count);
    y.custom_values.resize(m_customs.size());
    y.custom_jacobians.resize(m_customs.size());
    for (std::size_t c = 0; c < m_customs.size(); ++c) {
      const auto& custom = m_customs[c];
      std::vector<double> x(custom.inputs.size());
      for (std::size_t k = 0; k < x.size(); ++k) x[k] = theta[static_cast<Eigen::Index>(custom.inputs[k])];
      y.custom_values[c].resize(custom.function->outputs());
      if (derivatives) y.custom_jacobians[c].resize(custom.function->outputs() * x.size());
      custom.function->evaluate(x.data(), y.custom_values[c].data(), derivatives ? y.custom_jacobians[c].data() : nullptr);
    }
    std::size_t sb = 0, sh = 0;
    for (std::size_t si = 0; si < m_samples.size(); ++si) {
      const auto& s = m_samples[si];
      const std::size_t bins = s.nominal.size();
      double* a = y.shifted.data() + sb;
      for (std::size_t b = 0; b < bins; ++b) a[b] = s.nominal[b];
      for (std::size_t h = 0; h < s.shifts.size(); ++h) {
        const auto& shift = s.shifts[h];
        const auto w = additive_weights_at(shift.code, theta[static_cast<Eigen::Index>(shift.parameter)]);
        y.weights[sh + h] = w;
        for (std::size_t b = 0; b < bins; ++b) a[b] += w.u * shift.p[b] + w.v * shift.q[b];
      }
      y.scales[si] = scalar_product(s, theta);
      for (std::size_t b = 0; b < bins; ++b) {
        double gamma = 1;
        for (const auto& f : s.bin_factors) gamma *= theta[static_cast<Eigen::Index>(f.parameters[b])];
        double custom = 1;
        for (const auto& f : s.customs) custom *= y.custom_values[f.modifier][f.offset + b];
        y.gammas[sb + b] = gamma;
        y.customs[sb + b] = custom;
        y.nu[s.offset + b] += a[b] * y.scales[si] * gamma * custom;
      }
      sb += bins;
      sh += s.shifts.size();
    }
    return y;
  }

  // ∂nll/∂θ = Σ_b (1 − n_b/ν_b) ∂ν_b/∂θ + constraint terms, from the pieces `compute` kept.
  double evaluate(const Eigen::VectorXd& theta, const dataset& data, Eigen::VectorXd* gradient) const {
    constexpr double infinity = std::numeric_limits<double>::infinity();
    const auto y = compute(theta, gradient != nullptr);

    double value = m_normal_constant;
    std::vector<double> residual(gradient ? m_main_bins : 0);
    for (std::size_t b = 0; b < m_main_bins; ++b) {
      const double n = data.main[static_cast<Eigen::Index>(b)];
      const double v = y.nu[b];
      if (!(v >= 0) || (v == 0 && n > 0)) return infinity;
      value += detail::poisson_nll(v, n);
      if (gradient) residual[b] = n > 0 ? 1 - n / v : 1.0;
    }

    for (std::size_t k = 0; k < m_constrained.size(); ++k) {
      const std::size_t i = m_constrained[k];
      const auto& p = m_parameters[i];
      const double t = theta[static_cast<Eigen::Index>(i)];
      const double aux = data.aux[static_cast<Eigen::Index>(k)];
      if (p.constraint == constraint_kind::normal) {
        const double z = (t - aux) / p.sigma;
        value += 0.5 * z * z;
        if (gradient) (*gradient)[static_cast<Eigen::Index>(i)] += z / p.sigma;
      } else {
        const double rate = t * p.factor;
        if (!(rate > 0)) return infinity;
        value += detail::poisson_nll(rate, aux);
        if (gradient) (*gradient)[static_cast<Eigen::Index>(i)] += p.factor - aux / t;
      }
    }
    if (!gradient) return value;

    std::size_t sb = 0, sh = 0;
    for (std::size_t si = 0; si < m_samples.size(); ++si) {
      const auto& s = m_samples[si];
      const std::size_t bins = s.nominal.size();
      const double scale = y.scales[si];
      const double* r = residual.data() + s.offset;
      const double* a = y.shifted.data() + sb;
      const double* gammas = y.gammas.data() + sb;
      const double* customs = y.customs.data() + sb;
      // Σ_b r_b A_b P_b: the sample's response to any of its scalar factors
      double response = 0;
      for (std::size_t b = 0; b < bins; ++b) response += r[b] * a[b] * gammas[b] * customs[b];
      add_scalar_gradients(s, theta, response, *gradient);
      for (std::size_t h = 0; h < s.shifts.size(); ++h) {
        const auto& shift = s.shifts[h];
        double sum_p = 0, sum_q = 0;
        for (std::size_t b = 0; b < bins; ++b) {
          const double rp = r[b] * gammas[b] * customs[b];
          sum_p += rp * shift.p[b];
          sum_q += rp * shift.q[b];
        }
        const auto& w = y.weights[sh + h];
        (*gradient)[static_cast<Eigen::Index>(shift.parameter)] += scale * (w.du * sum_p + w.dv * sum_q);
      }
      // per-bin factors: the product of the others (never a division: a factor may be 0)
      for (std::size_t f = 0; f < s.bin_factors.size(); ++f)
        for (std::size_t b = 0; b < bins; ++b) {
          double others = customs[b];
          for (std::size_t g = 0; g < s.bin_factors.size(); ++g)
            if (g != f) others *= theta[static_cast<Eigen::Index>(s.bin_factors[g].parameters[b])];
          (*gradient)[static_cast<Eigen::Index>(s.bin_factors[f].parameters[b])] += r[b] * a[b] * scale * others;
        }
      for (std::size_t f = 0; f < s.customs.size(); ++f) {
        const auto& ref = s.customs[f];
        const auto& custom = m_customs[ref.modifier];
        const std::size_t inputs = custom.inputs.size();
        const double* jacobian = y.custom_jacobians[ref.modifier].data();
        for (std::size_t b = 0; b < bins; ++b) {
          double others = gammas[b];
          for (std::size_t g = 0; g < s.customs.size(); ++g)
            if (g != f) others *= y.custom_values[s.customs[g].modifier][s.customs[g].offset + b];
          const double coefficient = r[b] * a[b] * scale * others;
          const double* row = jacobian + (ref.offset + b) * inputs;
          for (std::size_t k = 0; k < inputs; ++k)
            (*gradient)[static_cast<Eigen::Index>(custom.inputs[k])] += coefficient * row[k];
        }
      }
      sb += bins;
      sh += s.shifts.size();
    }
    return value;
  }

  // ∂ν/∂θ_k for a scalar factor k is (Π_{j≠k} f_j) f_k' times the sample's bins: prefix and
  // suffix products avoid dividing by a factor that may be zero (a signal strength at 0).
  static void add_scalar_gradients(const detail::compiled_sample& s, const Eigen::VectorXd& theta, double response,
                                   Eigen::VectorXd& gradient) {
    const std::size_t n = s.scalars.size();
    if (n == 0) return;
    std::vector<double> values(n), derivatives(n), suffix(n + 1, 1.0);
    for (std::size_t k = 0; k < n; ++k) values[k] = factor_value(s.scalars[k], theta, derivatives[k]);
    for (std::size_t k = n; k-- > 0;) suffix[k] = suffix[k + 1] * values[k];
    double prefix = 1;
    for (std::size_t k = 0; k < n; ++k) {
      gradient[static_cast<Eigen::Index>(s.scalars[k].parameter)] += response * prefix * suffix[k + 1] * derivatives[k];
      prefix *= values[k];
    }
  }

  static constexpr double half_log_two_pi = 0.91893853320467274178;

  parameter_layout m_parameters;
  std::vector<channel_layout> m_channels;
  std::vector<detail::compiled_sample> m_samples;
  std::vector<sample_info> m_sample_info;  ///< what samples() shows of m_samples
  std::vector<custom_modifier_info> m_customs;
  dataset m_observed;
  std::vector<std::size_t> m_constrained;
  std::size_t m_main_bins = 0;
  std::size_t m_sample_bins = 0;
  std::size_t m_shift_count = 0;
  double m_normal_constant = 0;  ///< Σ (ln σ_i + ½ ln 2π) over the normal constraints
};

namespace detail {

/// The compiled form of a model, for the code that builds models (make_model, mask_channels,
/// reparametrize); users of a model read model::samples() instead.
struct model_access {
  /// A model from its compiled parts; checks the observed data against them.
  /// @throws invalid_argument if `observed` does not fit the channels or the constrained parameters.
  static model make(parameter_layout parameters, std::vector<channel_layout> channels, std::vector<compiled_sample> samples,
                    dataset observed, std::vector<custom_modifier_info> customs) {
    return model(std::move(parameters), std::move(channels), std::move(samples), std::move(observed), std::move(customs));
  }
  /// The samples as the model evaluates them, in the order of model::samples().
  static const std::vector<compiled_sample>& samples(const model& m) { return m.m_samples; }
};

}  // namespace detail

}  // namespace rein::likelihood
