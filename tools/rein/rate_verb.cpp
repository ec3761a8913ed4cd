// rein rate MODEL --q2 LIST: a built-in rate (dB/dq² at the given q², and the total branching
// fraction over the full phase space) as JSON.
//   rein rate wet-b-to-k-nunu --q2 0,5,10,15,20 [--cvl X] [--csl Y] [--ctl Z] [--ff a1,...,a8]
//   rein rate hpqcd-b-to-k-nunu --q2 0,5,10,15,20   (the registry's names; b_to_k_nunu, hpqcd_null too)
#include "cli.hpp"
#include "rein/models/registry.hpp"

#include "rein/physics/b_to_k_nunu.hpp"
#include "rein/physics/bsz2015.hpp"
#include "rein/physics/constants.hpp"
#include "rein/physics/hpqcd_null.hpp"
#include "rein/physics/wet_coefficients.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace {

/// Splits "a,b,c" and parses each entry as a finite number; `what` names the option.
std::vector<double> parse_list(const std::string& text, const std::string& what) {
  std::vector<double> values;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string token = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::string name = what + "[" + std::to_string(values.size()) + "]";
    const double value = rein::cli::parse_double(token, name);
    if (!std::isfinite(value)) throw rein::invalid_argument(name + " = '" + token + "' must be finite");
    values.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return values;
}

double finite_option(const rein::cli::arguments& args, const std::string& name, double fallback) {
  const double value = args.get_double(name, fallback);
  if (!std::isfinite(value))
    throw rein::invalid_argument("--" + name + " = '" + args.get(name, "") + "' must be finite");
  return value;
}

int rate(const rein::cli::arguments& args) {
  const std::string model = rein::models::canonical_rate_name(args.positional(0, "MODEL (wet-b-to-k-nunu or hpqcd-b-to-k-nunu)"));
  if (args.positional_count() > 1)
    throw rein::invalid_argument("unexpected argument '" + args.positional(1, "") + "'");
  if (!args.has("q2")) throw rein::invalid_argument("missing --q2 LIST (comma-separated q^2 values in GeV^2)");
  const std::vector<double> q2 = parse_list(args.get("q2", ""), "--q2");

  nlohmann::json rates = nlohmann::json::array();
  double total = 0.0;
  if (model == "wet-b-to-k-nunu") {
    args.allow_only({"q2", "cvl", "csl", "ctl", "ff"});
    rein::physics::wet_coefficients<double> c;
    c.cvl = finite_option(args, "cvl", rein::physics::c_vl_sm);
    c.csl = finite_option(args, "csl", 0.0);
    c.ctl = finite_option(args, "ctl", 0.0);
    rein::physics::bsz2015_parameters<double> ff = rein::physics::bsz2015_reference_central;
    if (args.has("ff")) {
      const std::vector<double> values = parse_list(args.get("ff", ""), "--ff");
      if (values.size() != ff.size())
        throw rein::invalid_argument("--ff has " + std::to_string(values.size()) +
                                     " values, needs 8 (alpha^f+_0,1,2, alpha^f0_1,2, alpha^fT_0,1,2)");
      for (std::size_t i = 0; i < ff.size(); ++i) ff[i] = values[i];
    }
    const rein::physics::b_to_k_nunu_rate r;
    for (const double q : q2) rates.push_back(r.differential_branching_fraction(q, c, ff));
    total = r.branching_fraction(c, ff);
  } else if (model == "hpqcd-b-to-k-nunu") {
    args.allow_only({"q2"});
    const rein::physics::hpqcd_null null;
    for (const double q : q2) rates.push_back(null.differential_branching_fraction(q));
    total = null.branching_fraction();
  } else {
    throw rein::invalid_argument("unknown MODEL '" + model + "', must be wet-b-to-k-nunu or hpqcd-b-to-k-nunu (the names --alt and " +
                                 "--null take; b_to_k_nunu and hpqcd_null are accepted too)");
  }
  rein::cli::print_json({{"q2", q2}, {"dBdq2", rates}, {"BR", total}});
  return 0;
}

const bool rate_registered = rein::cli::register_verb(
    {"rate",
     "rate MODEL --q2 Q1,Q2,... [--cvl X --csl Y --ctl Z] [--ff A1,...,A8]   dB/dq2 and BR of a built-in model "
     "(wet-b-to-k-nunu, hpqcd-b-to-k-nunu: the names --alt and --null take; b_to_k_nunu, hpqcd_null too)",
     {},
     rate});

}  // namespace
