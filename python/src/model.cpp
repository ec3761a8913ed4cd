// rein._rein: loading a model (rein::io::load_model, the CLI's entry) and evaluating it.
#include "common.hpp"

#include "rein/core/detail/check.hpp"
#include "rein/io/json/model_results.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/likelihood/interpolation.hpp"
#include "rein/models/registry.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/load_model.hpp"
#endif

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace rein::python {

namespace {

using optional_string = std::optional<std::string>;

nlohmann::json parse(const std::string& text, const std::string& source) {
  return io::detail::parse_json_text<nlohmann::json>(text, source, "rein.load");
}

// patches: (path, name, values as JSON text, document as JSON text) as python/rein/__init__.py
// passes them; path names an in-memory patch in messages
io::load_options options_of(const std::vector<std::tuple<std::string, optional_string, optional_string, optional_string>>& patches,
                            const optional_string& measurement, const optional_string& poi, const optional_string& normsys,
                            const optional_string& histosys, const optional_string& null, const optional_string& alternative,
                            const optional_string& quadrature) {
  io::load_options options;
  for (const auto& [path, name, values, document] : patches) {
    io::patch_source source(path, name, values ? std::optional<nlohmann::json>(parse(*values, path + " (patch values)")) : std::nullopt);
    if (document) source.document = parse(*document, path);
    options.patches.push_back(std::move(source));
  }
  options.model.measurement = measurement;
  options.model.poi = poi;
  if (normsys) options.model.normsys = likelihood::interpolation_code_from_string(*normsys);
  if (histosys) options.model.histosys = likelihood::interpolation_code_from_string(*histosys);
  // the registry's names, `rein rate`'s older spellings too (as the CLI's --null/--alt take them)
  if (null) options.null = models::canonical_rate_name(*null);
  if (alternative) options.alternative = models::canonical_rate_name(*alternative);
  if (quadrature) options.quadrature = io::quadrature_rule_from_string(*quadrature);
  return options;
}

likelihood::dataset data_of(const likelihood::model& model, const py::object& data, const char* function) {
  if (data.is_none()) return model.observed();
  if (is_complex_array(data))
    throw invalid_argument(std::string("rein.") + function + ": data is an array of complex numbers; counts are real");
  const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(data);
  if (!array || array.ndim() != 1)
    throw invalid_argument(std::string("rein.") + function + ": data must be a one-dimensional sequence (main bins, then aux data)");
  const auto main = static_cast<Eigen::Index>(model.observed().main.size());
  const auto aux = static_cast<Eigen::Index>(model.observed().aux.size());
  if (array.shape(0) != main + aux)
    throw invalid_argument(std::string("rein.") + function + ": data has " + std::to_string(array.shape(0)) + " values, the model " +
                           std::to_string(main) + " main bins and " + std::to_string(aux) + " auxiliary data");
  likelihood::dataset d{Eigen::VectorXd(main), Eigen::VectorXd(aux)};
  for (Eigen::Index i = 0; i < main + aux; ++i) {
    const double x = array.at(i);
    // a NaN count gives a NaN −ln L, a negative one a finite but meaningless one (aux data, the
    // centres of Gaussian constraints, may be negative)
    if (!std::isfinite(x) || (i < main && x < 0))
      throw invalid_argument(std::string("rein.") + function + ": data[" + std::to_string(i) + "] = " + rein::detail::format_value(x) +
                             (i < main ? " (main bin " + std::to_string(i) + ") must be finite and >= 0"
                                       : " (aux datum " + std::to_string(i - main) + ") must be finite"));
    (i < main ? d.main[i] : d.aux[i - main]) = x;
  }
  return d;
}

}  // namespace

py::array_t<double> to_array(const Eigen::VectorXd& v) { return py::array_t<double>(v.size(), v.data()); }
py::array_t<double> to_array(const std::vector<double>& v) {
  return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
}

void bind_model(py::module_& m) {
  py::class_<io::loaded_model, std::shared_ptr<io::loaded_model>>(m, "Model", "A loaded likelihood (rein::likelihood::model)")
      .def_property_readonly("kind", [](const io::loaded_model& l) { return std::string(io::to_string(l.kind)); })
      .def_property_readonly("path", [](const io::loaded_model& l) { return l.path; })
      .def_property_readonly("parameter_names", [](const io::loaded_model& l) {
        std::vector<std::string> names;
        for (const auto& p : l.model.parameters().all()) names.push_back(p.name);
        return names;
      })
      .def_property_readonly("inits", [](const io::loaded_model& l) { return to_array(l.model.parameters().inits()); })
      .def_property_readonly("bounds", [](const io::loaded_model& l) {
        const auto& all = l.model.parameters().all();
        py::array_t<double> out({static_cast<py::ssize_t>(all.size()), py::ssize_t{2}});
        auto view = out.mutable_unchecked<2>();
        for (std::size_t i = 0; i < all.size(); ++i) view(static_cast<py::ssize_t>(i), 0) = all[i].lower, view(static_cast<py::ssize_t>(i), 1) = all[i].upper;
        return out;
      })
      .def_property_readonly("fixed", [](const io::loaded_model& l) {
        std::vector<bool> fixed;
        for (const auto& p : l.model.parameters().all()) fixed.push_back(p.fixed);
        return fixed;
      })
      .def_property_readonly("poi", [](const io::loaded_model& l) -> py::object {
        const auto poi = l.model.parameters().poi();
        if (!poi) return py::none();
        return py::str(l.model.parameters()[*poi].name);
      })
      .def_property_readonly("n_bins", [](const io::loaded_model& l) { return l.model.main_bins(); })
      .def_property_readonly("observed", [](const io::loaded_model& l) { return to_array(l.model.observed().main); })
      .def_property_readonly("auxdata", [](const io::loaded_model& l) { return to_array(l.model.observed().aux); })
      .def("index", [](const io::loaded_model& l, const std::string& name) { return l.model.parameters().index(name); })
      .def("describe", [](const io::loaded_model& l) { return to_python(io::describe_json(l)); })
      .def("expected", [](const io::loaded_model& l, const py::object& pars) {
        return to_array(l.model.expected_main(parameters_of(l.model, pars, "Model.expected")));
      }, py::arg("pars"))
      .def("expected_aux", [](const io::loaded_model& l, const py::object& pars) {
        return to_array(l.model.expected_aux(parameters_of(l.model, pars, "Model.expected_aux")));
      }, py::arg("pars"))
      .def("expected_yields", [](const io::loaded_model& l, const py::object& pars) {
        return to_python(io::expected_yields_json(l.model, parameters_of(l.model, pars, "Model.expected_yields")));
      }, py::arg("pars"))
      .def("nll", [](const io::loaded_model& l, const py::object& pars, const py::object& data) {
        const auto theta = parameters_of(l.model, pars, "Model.nll");
        const auto d = data_of(l.model, data, "Model.nll");
        const py::gil_scoped_release release;
        return l.model.nll(theta, d);
      }, py::arg("pars"), py::arg("data") = py::none())
      .def("nll_and_gradient", [](const io::loaded_model& l, const py::object& pars, const py::object& data) {
        const auto theta = parameters_of(l.model, pars, "Model.nll_and_gradient");
        const auto d = data_of(l.model, data, "Model.nll_and_gradient");
        Eigen::VectorXd gradient(theta.size());
        double nll = 0;
        {
          const py::gil_scoped_release release;
          nll = l.model.nll_and_gradient(theta, d, gradient);
        }
        return py::make_tuple(nll, to_array(gradient));
      }, py::arg("pars"), py::arg("data") = py::none());

  const auto load = [](const std::string& path, const io::load_options& options) {
    const py::gil_scoped_release release;
#ifdef REIN_HAS_HDF5
    return std::make_shared<io::loaded_model>(io::hdf5::load_model(path, options));
#else
    return std::make_shared<io::loaded_model>(io::load_model(path, options));
#endif
  };
  m.def("load_file", [load](const std::string& path, const std::vector<std::tuple<std::string, optional_string, optional_string, optional_string>>& patches,
                            const optional_string& measurement, const optional_string& poi, const optional_string& normsys,
                            const optional_string& histosys, const optional_string& null, const optional_string& alternative,
                            const optional_string& quadrature) {
    return load(path, options_of(patches, measurement, poi, normsys, histosys, null, alternative, quadrature));
  });
  m.def("load_document", [](const std::string& text, const std::string& source,
                            const std::vector<std::tuple<std::string, optional_string, optional_string, optional_string>>& patches,
                            const optional_string& measurement, const optional_string& poi, const optional_string& normsys,
                            const optional_string& histosys, const optional_string& null, const optional_string& alternative,
                            const optional_string& quadrature) {
    auto options = options_of(patches, measurement, poi, normsys, histosys, null, alternative, quadrature);
    auto document = parse(text, source);
    const py::gil_scoped_release release;
    return std::make_shared<io::loaded_model>(io::load_model_document(std::move(document), source, options));
  });
  m.def("model_file_kind", [](const std::string& path) { return std::string(io::to_string(io::model_file_kind_of(path))); });
}

}  // namespace rein::python
