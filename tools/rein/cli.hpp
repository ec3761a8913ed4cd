#pragma once

// The rein command line: verbs register themselves; arguments are parsed into a small map.
#include "rein/core/error.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace rein::cli {

/// Parsed command line of one verb: positional arguments and `--name value` options, in order.
class arguments {
 public:
  arguments(std::vector<std::string> tokens, std::vector<std::string> flags_without_value);

  /// The i-th positional argument; throws invalid_argument naming `what` when absent.
  [[nodiscard]] const std::string& positional(std::size_t i, const std::string& what) const;
  [[nodiscard]] std::size_t positional_count() const { return m_positional.size(); }
  /// The tokens as given (to record how a result was made, and to re-run it).
  [[nodiscard]] const std::vector<std::string>& tokens() const { return m_tokens; }
  [[nodiscard]] bool has(const std::string& name) const { return m_options.count(name) != 0; }
  /// The value given for `--name`, or `fallback`.
  /// @throws invalid_argument when `--name` is given more than once (repeatable options use all()).
  [[nodiscard]] std::string get(const std::string& name, const std::string& fallback) const;
  /// Every value given for a repeatable `--name`, in order.
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const;
  [[nodiscard]] double get_double(const std::string& name, double fallback) const;
  [[nodiscard]] long get_long(const std::string& name, long fallback) const;
  /// Throws invalid_argument for any option not in `known`.
  void allow_only(const std::vector<std::string>& known) const;

 private:
  std::vector<std::string> m_tokens;
  std::vector<std::string> m_positional;
  std::multimap<std::string, std::string> m_options;
  std::vector<std::string> m_order;
};

using verb_function = std::function<int(const arguments&)>;

struct verb {
  std::string name;
  std::string usage;
  std::vector<std::string> flags_without_value;
  verb_function run;
};

/// The registry of verbs, filled at static-initialisation time by `register_verb`.
std::map<std::string, verb>& verbs();

/// Registers a verb; use as `static const bool registered = register_verb({...});`.
bool register_verb(verb v);

/// Prints JSON to stdout, two-space indented, full double precision.
void print_json(const nlohmann::json& value);

/// The candidate within two edits of `word` (a likely typo), or "" (for "did you mean" hints).
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

/// Parses a number with the whole token consumed; throws invalid_argument naming `what`.
double parse_double(const std::string& token, const std::string& what);

}  // namespace rein::cli
