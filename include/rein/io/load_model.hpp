#pragma once

// One entry for every front end (the rein CLI, bindings, grid runners): what kind of model file a
// path holds, and the model it describes, built with the caller's patches, measurement,
// interpolation codes, parameter of interest and rates. Reading rein's reweighted workspace needs
// HDF5: io/hdf5/load_model.hpp supplies that reader (target rein::hdf5); this header does not.
#include "rein/core/error.hpp"
#include "rein/io/json/patch.hpp"
#include "rein/io/json/read_input.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/redist.hpp"
#include "rein/io/json/shape_workspace.hpp"
#include "rein/io/json/workspace.hpp"
#include "rein/io/rate_table.hpp"
#include "rein/io/read_text.hpp"
#include "rein/likelihood/model/make_model.hpp"
#include "rein/likelihood/model/mask.hpp"
#include "rein/likelihood/model/parameter_groups.hpp"
#include "rein/likelihood/shapes/parametric_shape.hpp"
#include "rein/likelihood/workspace/workspace.hpp"
#include "rein/models/registry.hpp"
#include "rein/models/tabulated.hpp"
#include "rein/reweight/bin_integration.hpp"
#include "rein/reweight/bin_rates.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace rein::io {

/// What a model file holds (docs/formats.md): a pyhf workspace, a pyhf workspace with parametric
/// shapes (key `rein.shapes`), a redist saved model (keys `spec` and `new_pars`), or rein's
/// reweighted workspace (key `rein.reweight`, densities in HDF5).
enum class model_file_kind { workspace, shape_workspace, redist, reweighted_workspace };

/// "workspace", "shape_workspace", "redist", "reweighted_workspace".
inline const char* to_string(model_file_kind kind) {
  switch (kind) {
    case model_file_kind::workspace: return "workspace";
    case model_file_kind::shape_workspace: return "shape_workspace";
    case model_file_kind::redist: return "redist";
    case model_file_kind::reweighted_workspace: return "reweighted_workspace";
  }
  return "unknown";
}

/// The kind of the JSON `document` read from `source`.
/// @throws invalid_argument for a document with both `rein.reweight` and `rein.shapes`
inline model_file_kind model_file_kind_of(const nlohmann::json& document, const std::string& source) {
  if (document.is_object() && document.contains("spec") && document.contains("new_pars")) return model_file_kind::redist;
  const bool reweighted = document.is_object() && document.contains("rein.reweight");
  const bool shapes = document.is_object() && document.contains("rein.shapes");
  if (reweighted && shapes)
    throw invalid_argument("'" + source + "' has both 'rein.reweight' and 'rein.shapes'; rein reads one extension per file");
  if (reweighted) return model_file_kind::reweighted_workspace;
  if (shapes) return model_file_kind::shape_workspace;
  return model_file_kind::workspace;
}

/// The kind of the model file at `path`.
/// @throws io_error / parse errors of read_json, and what the overload above throws
inline model_file_kind model_file_kind_of(const std::string& path) { return model_file_kind_of(read_json(path), path); }

/// What load_model builds a model with. Every field has the default of a bare file.
struct load_options {
  /// JSON patches (or patchset entries) applied in order; pyhf workspaces, with or without shapes.
  std::vector<patch_source> patches;
  /// Measurement, parameter of interest, interpolation codes.
  likelihood::model_options model;
  /// The names of the null and alternative rates of a redist saved model (its file cannot name
  /// them: redist's rates are Python code); models::named_nulls and named_alternatives list them.
  std::optional<std::string> null, alternative;
  /// A user's alternative as a rate table (io/rate_table.hpp, CLI `--alt-table FILE.csv`): the
  /// alternative `table:FILE`, σ1 = scale · (the table, linear in between); instead of `alternative`.
  std::optional<std::string> alternative_table;
  /// How the rates of a reweighted model are integrated over its kinematic bins (default
  /// endpoint_adapted; gauss_legendre is redist's rule).
  std::optional<reweight::quadrature_rule> quadrature;
  /// Channels whose main data leave the likelihood, their parameters and constraints kept
  /// (likelihood::mask_channels, CLI `--mask CHANNEL`, Combine's mask_ semantics).
  std::vector<std::string> masked;
  /// Parameter groups by name patterns (CLI `--group NAME='pat1,pat2'`); modifier types
  /// (staterror, ...) are groups without being defined (likelihood::group_members).
  std::vector<likelihood::parameter_group> groups;
  /// Groups whose parameters are held fixed at their inits (CLI `--freeze GROUP`).
  std::vector<std::string> frozen;
};

/// Reads rein's reweighted workspace (JSON + HDF5 densities) at a path with JSON patches applied
/// to its document; io::hdf5::load_model passes io::hdf5::read_reweighted_workspace.
using reweighted_workspace_reader = std::function<redist_model(const std::string&, const std::vector<patch_source>&)>;

/// A model with what it was built from.
struct loaded_model {
  likelihood::model model;
  model_file_kind kind = model_file_kind::workspace;
  std::string path;
  /// The workspace compiled into the model (patched; for reweighted kinds its pyhf part, whose
  /// custom modifiers are `reweightings`).
  likelihood::workspace workspace;
  std::vector<likelihood::parametric_shape> shapes;  ///< shape workspaces: the parametric shapes
  std::vector<redist_reweighting> reweightings;      ///< reweighted kinds: the custom modifiers
  likelihood::model_options options;                 ///< as the model was built
};

/// "--quadrature"-style names of reweight::quadrature_rule: "endpoint-adapted", "gauss-legendre".
/// @throws invalid_argument naming the value and the known names
inline reweight::quadrature_rule quadrature_rule_from_string(const std::string& name) {
  if (name == "endpoint-adapted") return reweight::quadrature_rule::endpoint_adapted;
  if (name == "gauss-legendre") return reweight::quadrature_rule::gauss_legendre;
  throw invalid_argument("--quadrature '" + name + "' must be endpoint-adapted or gauss-legendre (redist's rule)");
}

/// The shape workspace at `path` with `patches` applied to the whole document (`rein.shapes`
/// too), as read_workspace applies them to a pyhf workspace.
inline shape_workspace read_shape_workspace(const std::string& path, const std::vector<patch_source>& patches) {
  std::string source = path;
  nlohmann::json document = patch_document(read_json(path), patches, source);
  return shape_workspace_from_json(std::move(document), source);
}

/// Gives a redist reweighting the parameters of the alternative rate `r.alternative` names: the
/// file's own when they are that rate's (same names in the same order, a correlated vector NAME
/// standing for NAME[0], NAME[1], ...: the file carries their constraints), the rate's otherwise,
/// as free parameters (the file's parameters belong to the model it was saved for, e.g. the WET's
/// couplings and form factors, which a resonance does not have).
/// @throws invalid_argument for an unknown alternative
inline void use_alternative_parameters(redist_reweighting& r) {
  const auto& rate = models::find_alternative(r.alternative);
  std::vector<std::string> saved, wanted;
  for (const auto& p : r.free) saved.push_back(p.name);
  for (const auto& g : r.correlated)
    for (Eigen::Index k = 0; k < g.mean.size(); ++k) saved.push_back(g.name + "[" + std::to_string(k) + "]");
  for (const auto& p : rate.parameters) wanted.push_back(p.name);
  if (saved == wanted) return;
  r.free.clear();
  r.correlated.clear();
  for (const auto& p : rate.parameters) r.free.push_back({p.name, p.init, p.lower, p.upper, p.fixed});
}

/// The saved reweighted model at `path` (kind redist or reweighted_workspace) with its rates'
/// names: from the options for a redist file, from the file itself for rein's reweighted workspace.
/// `options.patches` apply to the pyhf part before the custom modifiers are read (a redist file:
/// redist_from_text; rein's reweighted workspace: its whole document, `rein.reweight` too).
/// `text`, when given, is the file's contents already read (standard input, `-`, reads once).
/// @throws io_error naming the patch file for a patch that does not apply; invalid_argument for a
///         redist file without rate names, for rate names
///         given to a file that names its own, for a reweighted workspace without `read_reweighted`
///         or from standard input (its HDF5 densities are named relative to its own path)
inline redist_model read_reweighted_model(const std::string& path, model_file_kind kind, const load_options& options,
                                          const reweighted_workspace_reader& read_reweighted = {},
                                          const std::string* text = nullptr) {
  if (kind == model_file_kind::redist) {
    if (options.alternative_table) {
      if (options.alternative) throw invalid_argument("choose the alternative by --alt or by --alt-table, not both");
      if (!options.null) throw invalid_argument("--alt-table needs the null rate the table is compared with: --null NAME");
      auto named = options;
      named.alternative = "table:" + *options.alternative_table;
      const auto known = models::named_alternatives();
      if (std::find(known.begin(), known.end(), *named.alternative) == known.end()) {
        auto table = read_rate_table(*options.alternative_table);
        models::add_alternative(models::tabulated_alternative(*named.alternative, std::move(table.q2), std::move(table.rate)));
      }
      named.alternative_table.reset();
      return read_reweighted_model(path, kind, named, read_reweighted, text);
    }
    if (!options.null || !options.alternative)
      throw invalid_argument("'" + path + "' is a redist saved model: say which rates it reweights with --null NAME --alt NAME "
                             "(load_options null, alternative; e.g. --null hpqcd-b-to-k-nunu --alt wet-b-to-k-nunu)");
    auto saved = text != nullptr ? redist_from_text(*text, input_name(path), options.patches) : read_redist(path, options.patches);
    for (auto& r : saved.reweightings) {
      r.null = *options.null, r.alternative = *options.alternative;
      use_alternative_parameters(r);
    }
    return saved;
  }
  if (options.null) throw invalid_argument("--null: '" + path + "' names its rates itself");
  if (options.alternative) throw invalid_argument("--alt: '" + path + "' names its rates itself");
  if (options.alternative_table) throw invalid_argument("--alt-table: '" + path + "' names its rates itself");
  if (!read_reweighted)
    throw invalid_argument("'" + path + "' is a reweighted workspace with HDF5 densities; this rein was built without HDF5");
  if (path == "-")
    throw invalid_argument("<stdin> holds a reweighted workspace, which names its HDF5 densities relative to its own file: "
                           "give the file's path instead of -");
  return read_reweighted(path, options.patches);
}

namespace detail {

/// Runs `build` (which makes a model from the file at `path`) and prefixes the messages of its
/// invalid_argument errors with the file, so that what make_model finds wrong in a combination of
/// the file's settings ("init lies outside its bounds", ...) says where it came from.
template <class Build>
auto naming_file(const std::string& path, Build&& build) -> decltype(build()) {
  try {
    return build();
  } catch (const invalid_argument& e) {
    const std::string message = e.what();
    if (message.find(path) != std::string::npos) throw;
    throw invalid_argument("'" + path + "': " + message);
  }
}

/// `m` with the groups `options.frozen` held at their inits, then the channels `options.masked`
/// masked (likelihood::fix_parameters, likelihood::mask_channels); `m` itself when neither is asked.
inline likelihood::model edited_model(likelihood::model m, const likelihood::workspace& ws, const load_options& options) {
  if (!options.frozen.empty()) {
    std::vector<std::pair<std::size_t, double>> held;
    for (const auto& group : options.frozen)
      for (const std::size_t i : likelihood::group_members(group, options.groups, ws, m.parameters()))
        held.emplace_back(i, m.parameters()[i].init);
    m = likelihood::fix_parameters(m, held);
  }
  if (!options.masked.empty()) m = likelihood::mask_channels(m, options.masked);
  return m;
}

/// The model of a saved reweighted model; reweightings with the same rates over the same
/// kinematic bins share one set of bin integrals.
inline likelihood::model make_reweighted_model(const redist_model& saved, const load_options& options) {
  const auto rule = options.quadrature.value_or(reweight::quadrature_rule::endpoint_adapted);
  std::map<std::tuple<std::string, std::string, std::vector<double>>, std::shared_ptr<const reweight::bin_rates>> rates;
  const auto rates_for = [&](const redist_reweighting& r) {
    auto& found = rates[{r.null, r.alternative, r.edges}];
    if (!found) found = models::make_named_rates(r.null, r.alternative, r.edges, rule);
    return found;
  };
  return make_redist_model(saved, rates_for, options.model);
}

}  // namespace detail

/// The model of a pyhf workspace (with or without `rein.shapes`) held in memory as `document`
/// (e.g. a Python dict), built with `options`; `source` names it in messages.
/// @throws invalid_argument for a saved reweighted model (its rates and densities come with its
///         file: load it by path), for rate options, and what the readers and make_model throw
inline loaded_model load_model_document(nlohmann::json document, const std::string& source, const load_options& options = {}) {
  const auto kind = model_file_kind_of(document, source);
  if (kind == model_file_kind::redist || kind == model_file_kind::reweighted_workspace)
    throw invalid_argument("'" + source + "' is a " + to_string(kind) + ": load it from its file, not from a document in memory");
  const auto applies_to_reweighted = [&](bool given, const char* option) {
    if (given)
      throw invalid_argument(std::string("--") + option + " applies to reweighted models; '" + source + "' is a pyhf workspace" +
                             (kind == model_file_kind::shape_workspace ? " with parametric shapes" : ""));
  };
  applies_to_reweighted(options.null.has_value(), "null");
  applies_to_reweighted(options.alternative.has_value(), "alt");
  applies_to_reweighted(options.alternative_table.has_value(), "alt-table");
  applies_to_reweighted(options.quadrature.has_value(), "quadrature");
  std::string patched = source;
  document = patch_document(std::move(document), options.patches, patched);
  if (kind == model_file_kind::shape_workspace) {
    auto shaped = shape_workspace_from_json(std::move(document), patched);
    auto model = detail::naming_file(source, [&] { return detail::edited_model(make_shape_model(shaped, options.model), shaped.workspace, options); });
    return {std::move(model), kind, source, std::move(shaped.workspace), std::move(shaped.shapes), {}, options.model};
  }
  auto ws = workspace_from_json(document, patched);
  auto model = detail::naming_file(source, [&] { return detail::edited_model(likelihood::make_model(ws, options.model), ws, options); });
  return {std::move(model), kind, source, std::move(ws), {}, {}, options.model};
}

/// The model in the file at `path`, whatever its kind (model_file_kind_of), built with `options`.
/// Reweighted workspaces need `read_reweighted` (io::hdf5::load_model supplies it).
/// @throws invalid_argument for options that do not apply to the file's kind (rate choices for
///         a reweighted workspace, rates or quadrature for a pyhf workspace, a redist
///         file without rate names), and what the readers and make_model throw
inline loaded_model load_model(const std::string& path, const load_options& options = {},
                               const reweighted_workspace_reader& read_reweighted = {}) {
  // read once: `-` is standard input, which a redist file's own reader cannot read again
  constexpr const char* function = "rein::io::load_model";
  const std::string text = read_text_input(path, function);
  nlohmann::json document = detail::parse_json_text<nlohmann::json>(text, input_name(path), function);
  const auto kind = model_file_kind_of(document, input_name(path));
  if (kind == model_file_kind::redist || kind == model_file_kind::reweighted_workspace) {
    auto saved = read_reweighted_model(path, kind, options, read_reweighted, &text);
    auto model = detail::naming_file(path, [&] { return detail::edited_model(detail::make_reweighted_model(saved, options), saved.workspace, options); });
    return {std::move(model), kind, path, std::move(saved.workspace), {}, std::move(saved.reweightings), options.model};
  }
  return load_model_document(std::move(document), path, options);
}

}  // namespace rein::io
