#pragma once

// Bayesian inference: priors, log posteriors, samplers (NUTS, ensemble, adaptive Metropolis),
// convergence diagnostics and posterior summaries.
#include "rein/bayes/diagnostics.hpp"
#include "rein/bayes/draws.hpp"
#include "rein/bayes/ensemble.hpp"
#include "rein/bayes/evidence.hpp"
#include "rein/bayes/log_posterior.hpp"
#include "rein/bayes/metropolis.hpp"
#include "rein/bayes/model_posterior.hpp"
#include "rein/bayes/model_sampling.hpp"
#include "rein/bayes/nuts.hpp"
#include "rein/bayes/prior.hpp"
#include "rein/bayes/summary.hpp"
#include "rein/bayes/target.hpp"
#include "rein/bayes/transform.hpp"
