#pragma once

// What the translation units of the extension rein._rein share: the model handle, the conversion
// of rein's result JSON (rein::io) to Python objects, parameter vectors from numpy, and the
// progress callback that turns Ctrl-C into KeyboardInterrupt.
#include "rein/io/load_model.hpp"

#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <Eigen/Core>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rein::python {

namespace py = pybind11;


/// The Python value of a JSON value: dicts, lists, str, int, float, bool, None. Non-finite numbers
/// become None, as in the JSON the CLI prints (nlohmann writes them as null).
py::object to_python(const nlohmann::json& value);

/// Whether `values` is a NumPy array of complex numbers (which a cast to double would silently
/// cut to their real parts).
bool is_complex_array(const py::handle& values);

/// A parameter vector of `model` from a sequence of real numbers (checked: length, finite, not complex).
/// @throws invalid_argument naming `function`, the expected and the given length
Eigen::VectorXd parameters_of(const likelihood::model& model, const py::handle& pars, const char* function);

/// A copy of `v` as a one-dimensional NumPy array.
py::array_t<double> to_array(const Eigen::VectorXd& v);
py::array_t<double> to_array(const std::vector<double>& v);

/// A progress callback for rein's thread pool that checks for Ctrl-C (with the GIL reacquired)
/// and stops the run with KeyboardInterrupt; call with the GIL released.
std::function<void(std::size_t, std::size_t)> interruptible_progress();

void bind_errors(py::module_& m);
void bind_model(py::module_& m);
void bind_infer(py::module_& m);
void bind_bayes(py::module_& m);
void bind_rates(py::module_& m);

}  // namespace rein::python
