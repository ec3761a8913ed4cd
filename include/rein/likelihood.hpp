#pragma once

#include "rein/likelihood/model/dataset.hpp"
#include "rein/likelihood/model/interpolation.hpp"
#include "rein/likelihood/model/make_model.hpp"
#include "rein/likelihood/model/model.hpp"
#include "rein/likelihood/shapes/parametric_shape.hpp"
#include "rein/likelihood/workspace/builder.hpp"
#include "rein/likelihood/workspace/combine.hpp"
#include "rein/likelihood/workspace/simple_models.hpp"
#include "rein/likelihood/workspace/validate.hpp"
#include "rein/likelihood/workspace/workspace.hpp"
