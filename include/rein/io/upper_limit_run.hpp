#pragma once

// The one library call behind `rein upper-limit` and rein.upper_limit: an upper limit on the POI
// of a model, asymptotic (with the CLs curve for a Brazil band) or from toys, as the JSON both
// print; and `rein upper-limit --over NAME=LO:HI:N`, one limit for each value of a parameter
// held on a grid (a resonance's mass). In io because it joins infer/ with the JSON forms.
#include "rein/core/error.hpp"
#include "rein/fit/fit_status.hpp"
#include "rein/infer/asymptotic.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
#include "rein/io/json/infer_results.hpp"
#include "rein/likelihood/model/model.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rein::io {

/// How an upper limit is computed.
struct upper_limit_settings {
  infer::upper_limit_options limit;        ///< confidence level and tolerance
  infer::asymptotic_options asymptotic;    ///< the asymptotic calculator (without toys)
  std::optional<infer::toy_options> toys;  ///< toys instead of asymptotic formulae
  std::vector<double> scan;                ///< asymptotic only: the CLs curve at these POI values (Brazil band)
};

/// The upper limit on the POI of `model` on its observed data, as `rein upper-limit` prints it
/// (without "seconds"): infer::toy_upper_limit with settings.toys, else infer::upper_limit of the
/// asymptotic calculator with infer::cls_curve on settings.scan under "scan".
/// @param ok set to whether every fit converged (and, with toys, whether few enough toy fits failed)
/// @throws invalid_argument for toys with a scan (the curve is asymptotic), and what the limit
///         searches throw
[[nodiscard]] inline nlohmann::json upper_limit_json(const likelihood::model& model, const upper_limit_settings& settings, bool& ok) {
  const std::string poi = model.parameters()[model.parameters().poi_index()].name;
  if (settings.toys) {
    if (!settings.scan.empty()) throw invalid_argument("rein::io::upper_limit_json: the CLs curve (scan) is asymptotic; it does not combine with toys");
    auto out = to_json(infer::toy_upper_limit(model, model.observed(), *settings.toys, settings.limit), poi, *settings.toys, settings.limit);
    ok = out["status"] == "ok";
    return out;
  }
  const infer::asymptotic_calculator calculator(model, model.observed(), settings.asymptotic);
  const auto r = infer::upper_limit(calculator, settings.limit);
  const auto curve = settings.scan.empty() ? std::vector<infer::hypotest_result>{} : infer::cls_curve(calculator, settings.scan);
  ok = r.fit_status == fit::fit_status::ok;
  return to_json(r, poi, calculator, settings.limit, curve);
}

/// `rein upper-limit --over NAME=LO:HI:N`: upper_limit_json of `model_at(value)` (the model with
/// `name` held at value) for each of `values`, as {"over": name, "points": [limit + "value"],
/// "status": "ok" | "not_converged"}.
/// @param ok set to whether every point's limit is ok
[[nodiscard]] inline nlohmann::json upper_limits_over_json(const std::string& name, const std::vector<double>& values,
                                                           const std::function<likelihood::model(double)>& model_at,
                                                           const upper_limit_settings& settings, bool& ok) {
  ok = true;
  nlohmann::json points = nlohmann::json::array();
  for (const double value : values) {
    bool point_ok = true;
    auto point = upper_limit_json(model_at(value), settings, point_ok);
    point["value"] = value;
    points.push_back(std::move(point));
    ok = ok && point_ok;
  }
  return {{"over", name}, {"points", points}, {"status", ok ? "ok" : "not_converged"}};
}

}  // namespace rein::io
