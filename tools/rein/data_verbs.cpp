// rein rate, convert, version: a built-in rate's values; number densities (CSV matrices, HEPData
// JSON tables, the Belle II B+ -> K+ nunu files) into rein's HDF5 format (docs/formats.md), and a
// redist saved model as rein's reweighted workspace; rein's version.
#include "cli.hpp"

#include "rein/io/json/builtin_rate.hpp"
#include "rein/io/load_options_text.hpp"
#include "rein/models/registry.hpp"
#include "rein/version.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/density_spec.hpp"
#include "rein/io/hdf5/convert.hpp"
#endif

#include <cmath>

namespace {

using namespace rein;

int rate(const cli::arguments& args) {
  const std::string model = models::canonical_rate_name(args.positional(0, "MODEL (wet-b-to-k-nunu or hpqcd-b-to-k-nunu)"));
  args.at_most(1, "rate takes one MODEL");
  if (!args.has("q2")) throw invalid_argument("missing --q2 LIST (comma-separated q^2 values in GeV^2)");
  const auto q2 = io::finite_numbers_of_text(args.get("q2", ""), "--q2");
  if (model == "hpqcd-b-to-k-nunu") args.allow_only({{"q2", "LIST"}});  // only the WET rate has parameters
  physics::wet_coefficients<double> c;
  for (auto [name, value] : {std::pair{"cvl", &c.cvl}, std::pair{"csl", &c.csl}, std::pair{"ctl", &c.ctl}}) {
    *value = args.get_double(name, *value);
    if (!std::isfinite(*value)) throw invalid_argument(std::string("--") + name + " = '" + args.get(name, "") + "' must be finite");
  }
  physics::bsz2015_parameters<double> ff = physics::bsz2015_reference_central;
  if (args.has("ff")) {
    const auto values = io::finite_numbers_of_text(args.get("ff", ""), "--ff");
    if (values.size() != ff.size())
      throw invalid_argument("--ff has " + std::to_string(values.size()) + " values, needs 8 (alpha^f+_0,1,2, alpha^f0_1,2, alpha^fT_0,1,2)");
    std::copy(values.begin(), values.end(), ff.begin());
  }
  cli::print_json(io::builtin_rate_json(model, q2, c, ff));
  return 0;
}

const bool rate_registered = cli::register_verb(
    {"rate", "MODEL --q2 Q1,Q2,... (dB/dq2 and BR of wet-b-to-k-nunu or hpqcd-b-to-k-nunu, the names --alt and --null take)",
     {{"q2", "Q1,Q2,...", "the q^2 values (GeV^2)"}, {"cvl", "X", "|C_VL + C_VR| (wet-b-to-k-nunu; default SM)"},
      {"csl", "Y", "|C_SL + C_SR| (default 0)"}, {"ctl", "Z", "|C_TL| (default 0)"},
      {"ff", "A1,...,A8", "the BSZ2015 form-factor parameters (default: the reference central values)"}},
     false, rate});

const bool version_registered = cli::register_verb({"version", "(rein's version as JSON)", {}, false, [](const cli::arguments&) {
                                                      cli::print_json({{"rein", version_string}});
                                                      return 0;
                                                    }});

#ifdef REIN_HAS_HDF5

int convert(const cli::arguments& args) {
  const std::string kind = args.positional_count() > 0 ? args.positional(0, "") : "";
  if (kind == "belle2-knunu") {
    args.allow_only({});
    if (args.positional_count() != 3) throw invalid_argument("usage: rein convert belle2-knunu DATA_DIR OUT.h5");
    const auto imported = io::import_density_preset(io::belle2_knunu_preset(), args.positional(1, "DATA_DIR"));
    cli::print_json(io::hdf5::write_number_densities_checked(args.positional(2, "OUT.h5"), imported));
    return 0;
  }
  if (kind == "redist") {
    args.allow_only({{"null", "NAME"}, {"alt", "NAME"}, {"source", "T"}});
    if (args.positional_count() != 4)
      throw invalid_argument("usage: rein convert redist SAVED.json OUT.json DENSITIES.h5 --null NAME --alt NAME");
    cli::print_json(io::hdf5::convert_redist(args.positional(1, "SAVED.json"), args.positional(2, "OUT.json"),
                                             args.positional(3, "DENSITIES.h5"), cli::load_options_of(args),
                                             args.has("source") ? std::optional(args.get("source", "")) : std::nullopt));
    return 0;
  }
  args.allow_only({{"to", "h5"}, {"density", "", "", true}, {"edges", "", "", true}, {"units", "", "", true}, {"normalisation", "T"},
                   {"source", "T"}, {"workspace", "WS"}});
  if (args.get("to", "") != "h5") throw invalid_argument("--to must be h5 (the only output format), found '" + args.get("to", "") + "'");
  if (args.positional_count() != 1)
    throw invalid_argument("expected exactly one positional argument OUT.h5, found " + std::to_string(args.positional_count()));
  if (args.all("density").empty()) throw invalid_argument("missing --density NAME=FILE:CHANNEL:SAMPLE");
  const auto axes = io::density_axes_of(args.all("edges"), args.all("units"), args.has("units"));
  const auto imported = io::import_densities(args.all("density"), axes, args.get("normalisation", ""), args.get("source", ""),
                                             args.get("workspace", ""));
  cli::print_json(io::hdf5::write_number_densities_checked(args.positional(0, "OUT.h5"), imported));
  return 0;
}

const bool convert_registered = cli::register_verb(
    {"convert",
     "(--to h5 OUT.h5 --density NAME=FILE:CHANNEL:SAMPLE ... | belle2-knunu DATA_DIR OUT.h5 | redist SAVED.json OUT.json "
     "DENSITIES.h5 --null NAME --alt NAME): number densities (CSV, HEPData JSON, the Belle II B->Knunu files) to HDF5, "
     "or a redist saved model as rein's reweighted workspace",
     {{"to", "h5", "the output format"}, {"density", "NAME=FILE:CHANNEL:SAMPLE", "a density to import", true},
      {"edges", "VAR=SPEC", "a variable's bin edges: numbers and runs A:B:N, e.g. q2=-1,0:22.885:100", true},
      {"units", "VAR=UNIT", "a variable's unit", true}, {"normalisation", "T", "what the densities count"},
      {"source", "T", "their provenance"}, {"workspace", "WS", "check the row sums against this workspace's yields"},
      {"null", "NAME", "convert redist: the null rate"}, {"alt", "NAME", "convert redist: the alternative rate"}},
     false, convert});

#else

const bool convert_registered = cli::register_verb({"convert", "... (unavailable: rein was built without HDF5)", {}, false, [](const cli::arguments&) -> int {
  throw invalid_argument("this rein was built without HDF5 (rein::hdf5 target missing), convert is unavailable");
}});

#endif

}  // namespace
