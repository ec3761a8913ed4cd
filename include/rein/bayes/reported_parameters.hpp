#pragma once

// Which parameters a posterior run summarises (`rein sample`, rein.sample in Python): those the
// caller names, else the parameter of interest, else the sampled ones without a constraint term
// (normalisations, Wilson coefficients).
#include "rein/config.hpp"
#include "rein/core/error.hpp"
#include "rein/likelihood/model/model.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace rein::bayes {

/// The parameters to summarise out of `sampled` (the model's free parameters, as
/// model_posterior::names() lists them).
/// @param requested the caller's choice, if any
/// @throws invalid_argument for a requested name that is not sampled
inline std::vector<std::string> reported_parameters(const likelihood::model& model, const std::vector<std::string>& sampled,
                                                    const std::optional<std::vector<std::string>>& requested = std::nullopt) {
  if (requested) {
    for (const auto& n : *requested)
      if (std::find(sampled.begin(), sampled.end(), n) == sampled.end())
        throw invalid_argument("--parameters: '" + n + "' is not a sampled (free) parameter of the model");
    return *requested;
  }
  if (model.parameters().poi()) return {model.parameters()[*model.parameters().poi()].name};
  std::vector<std::string> names;
  for (const auto& n : sampled)
    if (model.parameters()[model.parameters().index(n)].constraint == constraint_kind::none) names.push_back(n);
  return names;
}

}  // namespace rein::bayes
