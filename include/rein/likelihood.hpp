#pragma once

#include "rein/likelihood/builder.hpp"
#include "rein/likelihood/combine.hpp"
#include "rein/likelihood/dataset.hpp"
#include "rein/likelihood/interpolation.hpp"
#include "rein/likelihood/make_model.hpp"
#include "rein/likelihood/model.hpp"
#include "rein/likelihood/parametric_shape.hpp"
#include "rein/likelihood/simple_models.hpp"
#include "rein/likelihood/validate.hpp"
#include "rein/likelihood/workspace.hpp"
