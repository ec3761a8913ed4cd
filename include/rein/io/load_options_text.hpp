#pragma once

// load_options in their text form: the model options of the `rein` command line (--patch,
// --interp normsys=code1,histosys=code0, --fix NAME=VALUE, --group NAME=PAT1,PAT2, ...), for every
// front end that takes them as text (the CLI, the command lines that shard records keep, job files).
#include "rein/bayes/prior.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parse_number.hpp"
#include "rein/io/json/patchset.hpp"
#include "rein/io/load_model.hpp"
#include "rein/likelihood/model/interpolation.hpp"
#include "rein/models/registry.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <map>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// Every value given for the option `name` ("patch", "interp", ...), in order; none when absent.
using option_values = std::function<std::vector<std::string>(const std::string& name)>;

/// The pieces of `text` between `separator`s ("a=1,b=2" → "a=1", "b=2"; "" → one empty piece):
/// the lists that option texts hold (--interp, --group, --null-fix, ...).
inline std::vector<std::string> split_text(const std::string& text, char separator = ',') {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

namespace detail {

// NAME and VALUE of "NAME=VALUE" (NAME non-empty); `form` says what `option` takes.
inline std::pair<std::string, std::string> named_value(const std::string& item, const std::string& option, const std::string& form) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) throw invalid_argument(option + " '" + item + "' must be " + form);
  return {item.substr(0, eq), item.substr(eq + 1)};
}

}  // namespace detail

/// (NAME, VALUE) of each NAME=VALUE item of `items` (with `lists`, an item may hold several,
/// comma-separated: cvl=0,csl=0), as the option `option` (--fix, ...) gives them.
/// @throws invalid_argument naming `option` and the item for an item not of that form or a VALUE
///         that is not a number
inline std::vector<std::pair<std::string, double>> named_numbers_of_text(const std::vector<std::string>& items, const std::string& option,
                                                                        bool lists = false) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& setting : items)
    for (const auto& item : lists ? split_text(setting) : std::vector<std::string>{setting}) {
      const auto [name, value] = detail::named_value(item, option, lists ? "NAME=VALUE[,NAME=VALUE...], e.g. cvl=0,csl=0,ctl=0" : "NAME=VALUE");
      out.emplace_back(name, parse_number(value, option + " " + name));
    }
  return out;
}

/// The load options that the option texts `values` give (the names and forms of docs/cli.md's
/// model options: patch, patch-name, patch-values, measurement, poi, poi-bounds LO:HI, interp
/// TYPE=CODE,..., fix NAME=VALUE, init NAME=VALUE, null, alt, alt-table, quadrature, mask, group
/// NAME=PAT,..., freeze); the messages name the option as the command line does (--fix ...).
/// @throws invalid_argument for an option given twice that takes one value, a value not of its
///         form, a --patch-name or --patch-values without its --patch, or both of them; what
///         interpolation_code_from_string, canonical_rate_name and quadrature_rule_from_string throw
inline load_options load_options_of_text(const option_values& values) {
  const auto single = [&](const std::string& name) -> std::optional<std::string> {
    const auto given = values(name);
    if (given.size() > 1) throw invalid_argument("--" + name + " is given " + std::to_string(given.size()) + " times; it takes one value");
    return given.empty() ? std::nullopt : std::optional<std::string>(given[0]);
  };
  load_options options;
  const auto files = values("patch"), names = values("patch-name"), chosen = values("patch-values");
  if (names.size() > files.size()) throw invalid_argument("--patch-name needs a --patch (a patchset) to choose from");
  if (chosen.size() > files.size()) throw invalid_argument("--patch-values needs a --patch (a patchset) to choose from");
  if (!names.empty() && !chosen.empty()) throw invalid_argument("choose patchset entries by --patch-name or by --patch-values, not both");
  for (std::size_t i = 0; i < files.size(); ++i)
    options.patches.push_back({files[i], i < names.size() ? std::optional<std::string>(names[i]) : std::nullopt,
                               i < chosen.size() ? std::optional<nlohmann::json>(parse_patch_values(chosen[i])) : std::nullopt});
  if (const auto m = single("measurement")) options.model.measurement = *m;
  if (const auto poi = single("poi")) options.model.poi = *poi;
  for (const auto& setting : values("interp"))
    for (const auto& item : split_text(setting)) {
      const auto [type, code] = detail::named_value(item, "--interp", "TYPE=CODE, e.g. normsys=code1,histosys=code0");
      if (type == "normsys") options.model.normsys = likelihood::interpolation_code_from_string(code);
      else if (type == "histosys") options.model.histosys = likelihood::interpolation_code_from_string(code);
      else throw invalid_argument("--interp: '" + type + "' has no interpolation code (normsys or histosys)");
    }
  if (const auto text = single("poi-bounds")) {
    const auto colon = text->find(':');
    if (colon == std::string::npos) throw invalid_argument("--poi-bounds '" + *text + "' must be LO:HI, e.g. 0:50");
    options.model.poi_bounds = {parse_number(text->substr(0, colon), "--poi-bounds LO"), parse_number(text->substr(colon + 1), "--poi-bounds HI")};
    if (!(options.model.poi_bounds->first < options.model.poi_bounds->second)) throw invalid_argument("--poi-bounds '" + *text + "': need LO < HI");
  }
  options.model.fixed = named_numbers_of_text(values("fix"), "--fix");  // held there
  options.model.inits = named_numbers_of_text(values("init"), "--init");  // started there
  if (const auto name = single("null")) options.null = models::canonical_rate_name(*name);
  if (const auto name = single("alt")) options.alternative = models::canonical_rate_name(*name);
  options.alternative_table = single("alt-table");
  if (const auto rule = single("quadrature")) options.quadrature = quadrature_rule_from_string(*rule);
  options.masked = values("mask");
  for (const auto& item : values("group")) {  // --group syst='corr_*,uncorr_*'
    const std::string form = "NAME=PATTERN[,PATTERN...], e.g. syst='corr_*,uncorr_*'";
    const auto [name, patterns] = detail::named_value(item, "--group", form);
    if (patterns.empty()) throw invalid_argument("--group '" + item + "' must be " + form);
    options.groups.push_back({name, split_text(patterns)});
  }
  options.frozen = values("freeze");
  return options;
}

/// The finite numbers of the comma-separated `text` ("0.5,1,2"); `what` names the option, each
/// value as what[i].
/// @throws invalid_argument naming what[i] for a value that is not a finite number
inline std::vector<double> finite_numbers_of_text(const std::string& text, const std::string& what) {
  std::vector<double> values;
  for (const auto& token : split_text(text, ',')) {
    const std::string name = what + "[" + std::to_string(values.size()) + "]";
    values.push_back(parse_number(token, name));
    if (!std::isfinite(values.back())) throw invalid_argument(name + " = '" + token + "' must be finite");
  }
  return values;
}

/// The priors of `items`, each NAME=uniform:LO:HI, NAME=normal:MEAN:SIGMA or NAME=log-uniform:LO:HI
/// (`rein sample --prior`), by name (bayes::prior_of_family); `option` names them in messages.
/// @throws invalid_argument naming the item for one of another form or family
inline std::map<std::string, bayes::prior> priors_of_text(const std::vector<std::string>& items, const std::string& option) {
  std::map<std::string, bayes::prior> priors;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    const auto spec = split_text(eq == std::string::npos ? "" : item.substr(eq + 1), ':');
    if (eq == std::string::npos || spec.size() != 3)
      throw invalid_argument(option + " '" + item + "' must be NAME=uniform:LO:HI, NAME=normal:MEAN:SIGMA or NAME=log-uniform:LO:HI");
    const std::string name = item.substr(0, eq);
    const double a = parse_number(spec[1], option + " " + name), b = parse_number(spec[2], option + " " + name);
    priors.emplace(name, bayes::prior_of_family(spec[0], a, b, option + " '" + item + "'"));
  }
  return priors;
}

}  // namespace rein::io
