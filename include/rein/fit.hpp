#pragma once

#include "rein/fit/fit_status.hpp"
#include "rein/fit/hessian.hpp"
#include "rein/fit/maximum_likelihood.hpp"
#include "rein/fit/minimize.hpp"
#include "rein/fit/minimize_options.hpp"
#include "rein/fit/objective.hpp"
