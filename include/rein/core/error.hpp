#pragma once

#include "rein/config.hpp"

#include <stdexcept>
#include <string>

namespace rein {

/// Root of every exception rein throws.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A broken precondition: sizes that do not match, NaN inputs, unknown names.
class invalid_argument : public error {
 public:
  using error::error;
};

/// An argument outside a function's mathematical domain (negative expectation, p outside [0, 1]).
class domain_error : public error {
 public:
  using error::error;
};

/// Files, JSON pointers, HDF5 datasets and schemas: what was expected and what was found.
class io_error : public error {
 public:
  using error::error;
};

/// A numerical procedure that did not converge, thrown only when the caller asked for it.
class convergence_error : public error {
 public:
  using error::error;
};

}  // namespace rein
