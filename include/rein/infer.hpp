#pragma once

#include "rein/infer/asymptotic.hpp"
#include "rein/infer/chi_bar_squared.hpp"
#include "rein/infer/goodness_of_fit.hpp"
#include "rein/infer/impacts.hpp"
#include "rein/infer/likelihood_ratio.hpp"
#include "rein/infer/normal.hpp"
#include "rein/infer/profile_likelihood.hpp"
#include "rein/infer/scan.hpp"
#include "rein/infer/significance.hpp"
#include "rein/infer/test_statistic.hpp"
#include "rein/infer/toys.hpp"
#include "rein/infer/upper_limit.hpp"
