#pragma once

#include "rein/core/error.hpp"
