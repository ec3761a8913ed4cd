// rein expected FILE [--set NAME=VALUE ...]: the expected main-bin yields at a parameter point
// (the initial values, changed by --set), per channel and per sample, JSON on stdout.
#include "cli.hpp"
#include "finite_output.hpp"
#include "load_model.hpp"

#include "rein/core/detail/check.hpp"

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
  const Eigen::VectorXd nu = model.expected_main(theta);
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& c : model.channels()) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : c.samples) {
      const Eigen::VectorXd y = model.expected_sample(theta, c.name, s);
      samples.push_back({{"name", s}, {"yields", std::vector<double>(y.data(), y.data() + y.size())}});
    }
    channels.push_back({{"name", c.name},
                        {"yields", std::vector<double>(nu.data() + c.offset, nu.data() + c.offset + c.bins)},
                        {"samples", samples}});
  }
  nlohmann::json parameters = nlohmann::json::object();
  for (std::size_t i = 0; i < model.parameters().size(); ++i)
    parameters[model.parameters()[i].name] = theta[static_cast<Eigen::Index>(i)];
  const nlohmann::json out = {{"channels", channels}, {"parameters", parameters}};
  rein::cli::require_finite_output(out, "expected");
  rein::cli::print_json(out);
  return 0;
}

const bool registered = rein::cli::register_verb(
    {"expected", "expected FILE [--set NAME=VALUE ...] " + rein::cli::model_usage(), {}, expected});

}  // namespace
