// rein._rein: the compiled part of the Python package (python/rein wraps it).
#include "common.hpp"

#include "rein/core/error.hpp"
#include "rein/version.hpp"

#include <cmath>

namespace rein::python {

py::object to_python(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return py::none();
    case nlohmann::json::value_t::boolean: return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: {
      const double x = value.get<double>();
      return std::isfinite(x) ? py::object(py::float_(x)) : py::object(py::none());
    }
    case nlohmann::json::value_t::string: return py::str(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list out;
      for (const auto& item : value) out.append(to_python(item));
      return std::move(out);
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, item] : value.items()) out[py::str(key)] = to_python(item);
      return std::move(out);
    }
    default: throw invalid_argument("rein._rein: a JSON value of an unexpected type: " + value.dump());
  }
}

bool is_complex_array(const py::handle& values) {
  return py::isinstance<py::array>(values) && py::reinterpret_borrow<py::array>(values).dtype().kind() == 'c';
}

Eigen::VectorXd parameters_of(const likelihood::model& model, const py::handle& pars, const char* function) {
  if (is_complex_array(pars))
    throw invalid_argument(std::string("rein.") + function + ": pars is an array of complex numbers; parameters are real");
  const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(pars);
  if (!array || array.ndim() != 1)
    throw invalid_argument(std::string("rein.") + function + ": pars must be a one-dimensional sequence of numbers");
  const auto n = static_cast<std::size_t>(array.shape(0));
  if (n != model.parameters().size())
    throw invalid_argument(std::string("rein.") + function + ": pars has " + std::to_string(n) + " values, the model has " +
                           std::to_string(model.parameters().size()) + " parameters");
  Eigen::VectorXd theta(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    theta[static_cast<Eigen::Index>(i)] = array.at(static_cast<py::ssize_t>(i));
    if (!std::isfinite(theta[static_cast<Eigen::Index>(i)]))
      throw invalid_argument(std::string("rein.") + function + ": pars[" + std::to_string(i) + "] ('" + model.parameters()[i].name +
                             "') = " + std::to_string(theta[static_cast<Eigen::Index>(i)]) + " must be finite");
  }
  return theta;
}

std::function<void(std::size_t, std::size_t)> interruptible_progress() {
  return [](std::size_t, std::size_t) {
    const py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  };
}

void bind_errors(py::module_& m) {
  // one Python class per rein error type; the message is rein's
  static py::exception<rein::error> error(m, "Error", PyExc_RuntimeError);
  static py::exception<rein::invalid_argument> invalid(m, "InvalidArgument", error.ptr());
  static py::exception<rein::domain_error> domain(m, "DomainError", error.ptr());
  static py::exception<rein::io_error> io(m, "IOError", error.ptr());
  static py::exception<rein::convergence_error> convergence(m, "ConvergenceError", error.ptr());
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const rein::invalid_argument& e) {
      PyErr_SetString(invalid.ptr(), e.what());
    } catch (const rein::domain_error& e) {
      PyErr_SetString(domain.ptr(), e.what());
    } catch (const rein::io_error& e) {
      PyErr_SetString(io.ptr(), e.what());
    } catch (const rein::convergence_error& e) {
      PyErr_SetString(convergence.ptr(), e.what());
    } catch (const rein::error& e) {
      PyErr_SetString(error.ptr(), e.what());
    }
  });
}

}  // namespace rein::python

PYBIND11_MODULE(_rein, m) {
  m.doc() = "rein's compiled core; use the package rein (python/rein)";
  m.attr("__version__") = std::to_string(REIN_VERSION_MAJOR) + "." + std::to_string(REIN_VERSION_MINOR) + "." +
                          std::to_string(REIN_VERSION_PATCH);
  rein::python::bind_errors(m);
  rein::python::bind_model(m);
  rein::python::bind_infer(m);
  rein::python::bind_bayes(m);
  rein::python::bind_rates(m);
}
