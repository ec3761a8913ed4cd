// rein._rein: rates written in Python for reweighting, added to rein's registry of named rates
// (models/registry.hpp) so that every model file that names them (--null/--alt, rein.reweight)
// uses them: an alternative dΓ/dq²(q², **params) evaluated on all quadrature nodes in one call
// (reweight::batch_rates), a null dΓ/dq²(q²) integrated once.
#include "common.hpp"

#include "rein/core/detail/check.hpp"
#include "rein/models/registry.hpp"
#include "rein/reweight/batch_rates.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace rein::python {

namespace {

// The Python callable outlives the interpreter's shutdown in rein's static registry: it is held
// by a pointer that is never freed (decref after finalisation would crash), one per added rate.
using python_callable = std::shared_ptr<py::object>;

python_callable hold(const py::object& f) { return python_callable(new py::object(f), [](py::object*) {}); }

// The quadrature nodes as one read-only NumPy array, made at the first call and passed to every
// later one: no copy per call, and a rate may keep q²-only factors for the array it was given.
// Used with the GIL held; freed with it (never after the interpreter's end).
class node_array {
 public:
  node_array() = default;
  node_array(const node_array&) = delete;
  node_array& operator=(const node_array&) = delete;
  ~node_array() {
    if (!m_array || !Py_IsInitialized()) return;
    const py::gil_scoped_acquire gil;
    delete m_array;
  }

  const py::object& of(const std::vector<double>& q2) {
    if (!m_array || m_data != q2.data() || m_size != q2.size()) {
      py::array_t<double> x(static_cast<py::ssize_t>(q2.size()), q2.data());
      x.attr("setflags")(py::arg("write") = false);
      delete m_array;
      m_array = new py::object(std::move(x));
      m_data = q2.data(), m_size = q2.size();
    }
    return *m_array;
  }

 private:
  py::object* m_array = nullptr;
  const double* m_data = nullptr;
  std::size_t m_size = 0;
};

// f(q2, **params) with the node array; the GIL is held by the caller
py::object call_with_nodes(const py::object& f, const std::vector<std::string>& names, const std::vector<double>& q2, const double* theta,
                           node_array& nodes) {
  py::dict kwargs;
  for (std::size_t k = 0; k < names.size(); ++k) kwargs[py::str(names[k])] = theta[k];
  return f(nodes.of(q2), **kwargs);
}

// " (cvl = 1, csl = 0, ...)", or "" without parameters: where a rate failed
std::string at_parameters(const std::vector<std::string>& names, const double* theta) {
  std::string at;
  for (std::size_t k = 0; k < names.size(); ++k) at += (k ? ", " : "") + names[k] + " = " + rein::detail::format_value(theta[k]);
  return at.empty() ? "" : " (" + at + ")";
}

// `result` of the rate `what` handed to `take` (integrated from the array's own memory), checked:
// an array of q2.size() finite numbers (or rows × q2.size())
void hand_over(const py::object& result, const std::string& what, const std::vector<std::string>& names, const std::vector<double>& q2,
               const double* theta, std::size_t rows, const reweight::node_values& take) {
  const auto y = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(result);
  const auto expected = static_cast<py::ssize_t>(rows * q2.size());
  // the cast would keep the real parts only
  if (is_complex_array(result))
    throw invalid_argument("rein: the Python rate " + what + " returned an array of complex numbers" + at_parameters(names, theta) +
                           "; a rate is real");
  if (!y || y.size() != expected || (rows == 1 && y.ndim() != 1) || (rows > 1 && (y.ndim() != 2 || y.shape(0) != static_cast<py::ssize_t>(rows))))
    throw invalid_argument("rein: the Python rate " + what + " returned " + std::string(py::str(py::repr(result)).cast<std::string>().substr(0, 200)) +
                           " for " + std::to_string(q2.size()) + " q2 values; expected " +
                           (rows == 1 ? "one value per q2 (a 1-d array)" : std::to_string(rows) + " rows (one per parameter) of one value per q2"));
  if (take(y.data())) return;
  // an integral is not finite: a value is not (the search runs only now), or the sum overflows
  const double* data = y.data();
  const auto n = static_cast<std::size_t>(std::find_if(data, data + expected, [](double v) { return !std::isfinite(v); }) - data);
  if (n == static_cast<std::size_t>(expected))
    throw domain_error("rein: the bin integrals of the Python rate " + what + " overflow" + at_parameters(names, theta) +
                       "; its values must be smaller");
  throw domain_error("rein: the Python rate " + what + " is " + rein::detail::format_value(data[n]) + " at q2 = " +
                     rein::detail::format_value(q2[n % q2.size()]) + at_parameters(names, theta) + "; it must be finite");
}

// f(q2, **params) at every node, handed over as hand_over says
void call_rate(const py::object& f, const std::string& what, const std::vector<std::string>& names, const std::vector<double>& q2,
               const double* theta, std::size_t rows, node_array& nodes, const reweight::node_values& take) {
  const py::gil_scoped_acquire gil;
  hand_over(call_with_nodes(f, names, q2, theta, nodes), what, names, q2, theta, rows, take);
}

// f(q2, **params) -> (rate, derivative) at every node (add_alternative's derivative=True), both handed over
void call_rate_and_derivative(const py::object& f, const std::string& name, const std::vector<std::string>& names,
                              const std::vector<double>& q2, const double* theta, node_array& nodes, const reweight::node_values& take_rate,
                              const reweight::node_values& take_derivative) {
  const py::gil_scoped_acquire gil;
  const py::object result = call_with_nodes(f, names, q2, theta, nodes);
  if (!py::isinstance<py::tuple>(result) || py::len(result) != 2)
    throw invalid_argument("rein: the Python rate '" + name + "' returned " +
                           std::string(py::str(py::repr(result)).cast<std::string>().substr(0, 200)) +
                           "; with derivative=True it must return a tuple (rate, derivative)");
  const auto pair = result.cast<py::tuple>();
  hand_over(pair[0], "'" + name + "'", names, q2, theta, 1, take_rate);
  hand_over(pair[1], "derivative of '" + name + "'", names, q2, theta, names.size(), take_derivative);
}

using parameter_spec = std::tuple<std::string, double, double, double>;  // name, init, lower, upper

}  // namespace

void bind_rates(py::module_& m) {
  using py::arg;
  m.def("add_alternative", [](const std::string& name, const py::object& rate, const std::vector<parameter_spec>& parameters,
                              const py::object& derivative, std::optional<double> q2_min, std::optional<double> q2_max,
                              double relative_step, const std::string& description) {
    // checked here, not at the first model that uses the rate
    const std::string where = "rein.add_alternative('" + name + "')";
    if (!PyCallable_Check(rate.ptr())) throw invalid_argument(where + ": the rate " + py::repr(rate).cast<std::string>() + " is not callable");
    if (!derivative.is_none() && !py::isinstance<py::bool_>(derivative) && !PyCallable_Check(derivative.ptr()))
      throw invalid_argument(where + ": derivative = " + py::repr(derivative).cast<std::string>() + " is not callable (nor True or None)");
    if (q2_min && q2_max && !(*q2_min < *q2_max))
      throw invalid_argument(where + ": q2_range = (" + rein::detail::format_value(*q2_min) + ", " + rein::detail::format_value(*q2_max) +
                             "); need min < max");
    if (!(relative_step > 0) || !std::isfinite(relative_step))
      throw invalid_argument(where + ": relative_step = " + rein::detail::format_value(relative_step) + ", must be finite and > 0");
    models::alternative_rate entry;
    entry.name = name;
    entry.description = description;
    std::vector<std::string> names;
    for (const auto& [n, init, lower, upper] : parameters) {
      entry.parameters.push_back({n, init, lower, upper});
      names.push_back(n);
    }
    const auto f = hold(rate);
    // derivative=True: the rate returns (rate, derivative) from one call
    const bool combined = py::isinstance<py::bool_>(derivative) && derivative.cast<bool>();
    if (py::isinstance<py::bool_>(derivative) && !combined)
      throw invalid_argument("rein.add_alternative('" + name + "'): derivative=False; give a callable, True (the rate returns (rate, derivative)) or None");
    const auto df = derivative.is_none() || combined ? python_callable{} : hold(derivative);
    entry.make_rates = [f, df, combined, names, name, q2_min, q2_max, relative_step](const models::null_rate& null, const std::vector<double>& edges,
                                                                                      reweight::quadrature_rule rule)
        -> std::shared_ptr<const reweight::bin_rates> {
      const std::size_t n = names.size();
      // one node array for the rate and its derivative, freed with the model's rates
      const auto nodes = std::make_shared<node_array>();
      // the alternative's support: the caller's, else the null's
      const auto null_support = models::support_options(null.q2_min, null.q2_max, rule);
      const auto support = models::support_options(q2_min.value_or(null.q2_min), q2_max.value_or(null.q2_max), rule);
      if (combined) {
        reweight::batch_rate_and_derivative both = [f, names, name, nodes](const std::vector<double>& q2, const double* theta,
                                                                           const reweight::node_values& take_rate,
                                                                           const reweight::node_values& take_derivative) {
          call_rate_and_derivative(*f, name, names, q2, theta, *nodes, take_rate, take_derivative);
        };
        return std::make_shared<reweight::batch_rates>(null.rate, n, std::move(both), edges, null_support, support);
      }
      reweight::batch_rate batch = [f, names, name, nodes](const std::vector<double>& q2, const double* theta,
                                                           const reweight::node_values& take) {
        call_rate(*f, "'" + name + "'", names, q2, theta, 1, *nodes, take);
      };
      reweight::batch_derivative d;
      if (df)
        d = [df, names, name, n, nodes](const std::vector<double>& q2, const double* theta, const reweight::node_values& take) {
          call_rate(*df, "derivative of '" + name + "'", names, q2, theta, n, *nodes, take);
        };
      return std::make_shared<reweight::batch_rates>(null.rate, n, std::move(batch), std::move(d), edges, null_support, support, relative_step);
    };
    models::add_alternative(std::move(entry));
  }, arg("name"), arg("rate"), arg("parameters"), arg("derivative"), arg("q2_min"), arg("q2_max"), arg("relative_step"),
        arg("description"));

  m.def("add_null", [](const std::string& name, const py::object& rate, double q2_min, double q2_max, const std::string& description) {
    if (!PyCallable_Check(rate.ptr()))
      throw invalid_argument("rein.add_null('" + name + "'): the rate " + py::repr(rate).cast<std::string>() + " is not callable");
    const auto f = hold(rate);
    // integrated once per model: one call per node is fine
    auto scalar = [f, name](double q2) {
      double value = 0;
      node_array node;  // one q², one call: a fresh array
      call_rate(*f, "'" + name + "'", {}, {q2}, nullptr, 1, node, [&](const double* v) {
        value = *v;
        return std::isfinite(value);
      });
      return value;
    };
    models::add_null({name, description, std::move(scalar), q2_min, q2_max});
  }, arg("name"), arg("rate"), arg("q2_min"), arg("q2_max"), arg("description"));

  m.def("named_nulls", &models::named_nulls);
  m.def("named_alternatives", &models::named_alternatives);
  m.def("alternative_parameters", [](const std::string& name) {
    std::vector<parameter_spec> out;
    for (const auto& p : models::find_alternative(name).parameters) out.emplace_back(p.name, p.init, p.lower, p.upper);
    return out;
  }, arg("name"));
  m.def("null_support", [](const std::string& name) {
    const auto& n = models::find_null(name);
    return std::make_pair(n.q2_min, n.q2_max);
  }, arg("name"));
}

}  // namespace rein::python
