#pragma once

// A parameter of a parameter_layout named by its index or, as a convenience, by its name: what a
// fit holds fixed (fit::fit_options::fixed). Code that knows the index (the POI of a conditional
// fit, the parameter of an impact) passes it; users may write names, {{"mu", 1.0}}.
#include "rein/core/error.hpp"
#include "rein/core/parameter_layout.hpp"

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace rein {

/// A parameter by index in a layout, or by name (resolved against the layout where it is used).
class parameter_key {
 public:
  /// By index (an integer; a template so that the literal 0 is an index, not a null name).
  template <class Index, std::enable_if_t<std::is_integral_v<Index> && !std::is_same_v<Index, bool>, int> = 0>
  parameter_key(Index index) : m_index(static_cast<std::size_t>(index)) {}  // NOLINT(google-explicit-constructor): {{0, 1.0}}
  /// By name.
  parameter_key(std::string name) : m_name(std::move(name)), m_by_name(true) {}  // NOLINT(google-explicit-constructor): {{"mu", 1.0}}
  parameter_key(const char* name) : m_name(name), m_by_name(true) {} // NOLINT(google-explicit-constructor): {{"mu", 1.0}}

  /// Whether it names parameter `i` of `layout` (false for a name or index the layout lacks).
  [[nodiscard]] bool refers_to(const parameter_layout& layout, std::size_t i) const {
    return m_by_name ? i < layout.size() && layout[i].name == m_name : m_index == i;
  }

  /// Whether `layout` has the parameter.
  [[nodiscard]] bool in(const parameter_layout& layout) const { return m_by_name ? layout.contains(m_name) : m_index < layout.size(); }

  /// Its index in `layout`.
  /// @throws invalid_argument for a name `layout` does not hold (parameter_layout::index's message)
  ///         or an index ≥ layout.size()
  [[nodiscard]] std::size_t index_in(const parameter_layout& layout) const {
    if (m_by_name) return layout.index(m_name);
    if (m_index >= layout.size())
      throw invalid_argument("rein::parameter_layout: no parameter with index " + std::to_string(m_index) + " (there are " +
                             std::to_string(layout.size()) + ")");
    return m_index;
  }

  /// Its name in `layout`, for messages: the name given, else the indexed parameter's name (or
  /// "#i" for an index out of range).
  [[nodiscard]] std::string name_in(const parameter_layout& layout) const {
    if (m_by_name) return m_name;
    return m_index < layout.size() ? layout[m_index].name : "#" + std::to_string(m_index);
  }

 private:
  // a name and a flag, not std::optional<std::string>: GCC 12 at -O3 warns that the optional's
  // string "may be used uninitialized" (-Wmaybe-uninitialized, a false positive) where keys are copied
  std::string m_name;
  std::size_t m_index = 0;
  bool m_by_name = false;
};

}  // namespace rein
