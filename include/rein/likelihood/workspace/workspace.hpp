#pragma once

#include "rein/core/detail/suggest.hpp"
#include "rein/core/enum_names.hpp"
#include "rein/core/error.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::likelihood {

/// The modifier types of the pyhf schema 1.0.0.
enum class modifier_type { normfactor, normsys, histosys, shapesys, shapefactor, staterror, lumi };

/// The schema's name of a modifier type ("normsys", ...).
inline const char* to_string(modifier_type type) {
  switch (type) {
    case modifier_type::normfactor: return "normfactor";
    case modifier_type::normsys: return "normsys";
    case modifier_type::histosys: return "histosys";
    case modifier_type::shapesys: return "shapesys";
    case modifier_type::shapefactor: return "shapefactor";
    case modifier_type::staterror: return "staterror";
    case modifier_type::lumi: return "lumi";
  }
  return "unknown";
}

/// Every modifier type, in the schema's order.
inline constexpr modifier_type all_modifier_types[] = {modifier_type::normfactor, modifier_type::normsys,   modifier_type::histosys,
                                                       modifier_type::shapesys,   modifier_type::shapefactor, modifier_type::staterror,
                                                       modifier_type::lumi};

/// The modifier type called `name`, if there is one.
inline std::optional<modifier_type> modifier_type_from_string(const std::string& name) { return enum_from_name(name, all_modifier_types); }

/// The modifier type called `name`; `what` names where the name was given (an option, a key).
/// @throws invalid_argument "WHAT 'name' is not one of histosys, ..." (with the likely intended
///         name) for a name that is no modifier type
inline modifier_type modifier_type_named(const std::string& name, const std::string& what) {
  if (const auto type = modifier_type_from_string(name)) return *type;
  std::vector<std::string> names;
  for (const auto type : all_modifier_types) names.emplace_back(to_string(type));
  throw invalid_argument(what + " '" + name + "'" + rein::detail::did_you_mean(name, names) +
                         " is not one of histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror");
}

/// One modifier of a sample, with the data its type needs (the other fields stay empty):
/// normsys `hi`, `lo`; histosys `hi_data`, `lo_data`; shapesys and staterror `values`
/// (absolute uncertainties); normfactor, shapefactor and lumi none.
struct modifier {
  std::string name;
  modifier_type type = modifier_type::normfactor;
  double hi = 1;
  double lo = 1;
  std::vector<double> hi_data;
  std::vector<double> lo_data;
  std::vector<double> values;
};

struct sample {
  std::string name;
  std::vector<double> data;  ///< nominal yield per bin
  std::vector<modifier> modifiers;
};

struct channel {
  std::string name;
  std::vector<sample> samples;
};

struct observation {
  std::string name;  ///< the channel it belongs to
  std::vector<double> data;
};

/// A measurement's override of one parameter set; absent fields keep the modifier's defaults.
struct parameter_config {
  std::string name;
  std::optional<std::vector<double>> inits;
  std::optional<std::vector<std::pair<double, double>>> bounds;
  std::optional<std::vector<double>> auxdata;
  std::optional<std::vector<double>> factors;
  std::optional<std::vector<double>> sigmas;
  std::optional<bool> fixed;
};

struct measurement {
  std::string name;
  std::string poi;
  std::vector<parameter_config> parameters;
};

/// A HistFactory workspace as the pyhf JSON schema 1.0.0 describes it, in file order.
/// `io::json` reads and writes it; `likelihood::make_model` compiles it.
struct workspace {
  std::vector<channel> channels;
  std::vector<observation> observations;
  std::vector<measurement> measurements;
  std::string version = "1.0.0";
};

}  // namespace rein::likelihood
