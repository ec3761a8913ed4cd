// rein expected FILE [--set NAME=VALUE ...]: the expected main-bin yields at a parameter point
// (the initial values, changed by --set), per channel and per sample, JSON on stdout.
#include "cli.hpp"
#include "load_model.hpp"

#include "rein/core/detail/check.hpp"
#include "rein/io/json/model_results.hpp"
#include "rein/io/json/require_finite.hpp"

#include <string>

namespace {

int expected(const rein::cli::arguments& args) {
  args.allow_only(rein::cli::with_model_options({"set"}));
  const auto model = rein::cli::load_model(args);
  Eigen::VectorXd theta = model.parameters().inits();
  for (const auto& item : args.all("set")) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw rein::invalid_argument("--set '" + item + "' must be NAME=VALUE");
    const std::string name = item.substr(0, eq);
    const auto& p = model.parameters()[model.parameters().index(name)];
    const double value = rein::cli::parse_double(item.substr(eq + 1), "--set " + name);
    if (!(p.lower <= value && value <= p.upper))
      throw rein::invalid_argument("--set " + name + "=" + item.substr(eq + 1) + " lies outside its bounds [" +
                                   rein::detail::format_value(p.lower) + ", " + rein::detail::format_value(p.upper) + "]");
    theta[static_cast<Eigen::Index>(model.parameters().index(name))] = value;
  }
  const auto out = rein::io::expected_yields_json(model, theta);
  rein::io::require_finite(out, "rein expected");
  rein::cli::print_json(out);
  return 0;
}

const bool expected_registered = rein::cli::register_verb(
    {"expected", "expected FILE [--set NAME=VALUE ...] " + rein::cli::model_usage(), {}, expected});

}  // namespace
