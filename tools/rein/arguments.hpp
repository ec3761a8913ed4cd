#pragma once

// The command line of a front end (the rein CLI): each verb declares its options once (name,
// value, help, repeatable) in an option_table; `arguments` splits the tokens by it, refuses
// unknown and doubled options and reads values as numbers with the option named in messages.
#include "rein/core/detail/suggest.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parse_number.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rein::cli {

/// One option of a verb: `--name VALUE`, or a flag when `value` is empty.
struct option {
  std::string name;   ///< without the leading --
  std::string value{};  ///< what the usage shows for its value (N, LO:HI, ...); empty for a flag
  std::string help{};   ///< one line for `rein VERB --help`
  bool repeat = false;  ///< may be given more than once (read with arguments::all)
  std::size_t values = 1;  ///< the tokens it takes (pyhf's rename: --channel OLD NEW, 2; all() lists them in turn)
};

using option_table = std::vector<option>;

/// Parsed command line of one verb: positional arguments and `--name value` options, in order.
class arguments {
 public:
  /// Splits `tokens` into positional arguments and the options of `known` (flags take no value).
  arguments(std::vector<std::string> tokens, const option_table& known);

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
  /// get_long, which must be ≥ `least`: throws invalid_argument "--name V: must be >= least".
  [[nodiscard]] std::size_t count(const std::string& name, long fallback, long least) const;
  /// Throws invalid_argument for an option not in `known`, or one without `repeat` given twice.
  void allow_only(const option_table& known) const;
  /// Throws invalid_argument naming the positional argument past the `most` a verb takes.
  void at_most(std::size_t most, const std::string& takes) const;

 private:
  std::vector<std::string> m_tokens;
  std::vector<std::string> m_positional;
  std::multimap<std::string, std::string> m_options;
  std::vector<std::string> m_order;
};

/// The candidate within two edits of `word` (a likely typo), or "" (for "did you mean" hints).
inline std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  // a candidate within 2 edits (fewer than the word's letters) is a likely typo
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& c : candidates) {
    const std::size_t d = rein::detail::edit_distance(word, c);
    if (d < best_distance && d < word.size()) best = c, best_distance = d;
  }
  return best;
}

/// NAME and VALUE of "NAME=VALUE" (NAME non-empty); throws invalid_argument "OPTION 'item' must be FORM".
inline std::pair<std::string, std::string> assignment(const std::string& item, const std::string& option, const std::string& form) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) throw invalid_argument(option + " '" + item + "' must be " + form);
  return {item.substr(0, eq), item.substr(eq + 1)};
}

inline arguments::arguments(std::vector<std::string> tokens, const option_table& known) : m_tokens(tokens) {
  const auto values = [&](const std::string& name) -> std::size_t {
    // every verb's --verbose is a flag (allowed where the verb takes the model options)
    const auto o = std::find_if(known.begin(), known.end(), [&](const option& k) { return k.name == name; });
    return name == "verbose" ? 0 : o == known.end() ? 1 : o->value.empty() ? 0 : o->values;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token.size() > 2 && token.compare(0, 2, "--") == 0) {
      std::string name = token.substr(2);
      const auto eq = name.find('=');
      const std::size_t count = values(name.substr(0, eq));
      if (eq != std::string::npos && count < 2) {
        m_options.emplace(name.substr(0, eq), name.substr(eq + 1));
        name = name.substr(0, eq);
      } else if (count == 0) {
        m_options.emplace(name, "true");
      } else {
        if (eq != std::string::npos || i + count >= tokens.size())
          throw invalid_argument(count == 1 ? "option --" + name + " needs a value" : token + " takes " + std::to_string(count) + " values");
        for (std::size_t k = 0; k < count; ++k) m_options.emplace(name, tokens[++i]);
      }
      m_order.push_back(name);
    } else if (token == "-o") {  // pyhf's and most tools' short flag for the output file
      if (i + 1 >= tokens.size()) throw invalid_argument("option -o (--output-file) needs a value");
      m_options.emplace("output-file", tokens[++i]);
      m_order.push_back("output-file");
    } else if (token.size() >= 2 && token[0] == '-' && std::isalpha(static_cast<unsigned char>(token[1])) != 0) {
      // a short flag of pyhf's (-p for --patch, ...) is never taken for a file name
      throw invalid_argument("unknown option " + token + " (rein's options are long, e.g. --patch for pyhf's -p; see --help)");
    } else {
      m_positional.push_back(token);
    }
  }
}

inline const std::string& arguments::positional(std::size_t i, const std::string& what) const {
  if (i >= m_positional.size()) throw invalid_argument("missing argument " + what);
  return m_positional[i];
}

inline std::string arguments::get(const std::string& name, const std::string& fallback) const {
  const auto range = m_options.equal_range(name);
  if (range.first == range.second) return fallback;
  // an option of one value given twice is a mistake (which one was meant?), never "the last wins"
  if (std::next(range.first) != range.second) {
    std::string given;
    for (auto it = range.first; it != range.second; ++it) given += (given.empty() ? "'" : ", '") + it->second + "'";
    throw invalid_argument("--" + name + " is given " + std::to_string(std::distance(range.first, range.second)) +
                           " times (" + given + "); it takes one value");
  }
  return range.first->second;
}

inline std::vector<std::string> arguments::all(const std::string& name) const {
  std::vector<std::string> values;
  const auto range = m_options.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) values.push_back(it->second);
  return values;
}

inline double arguments::get_double(const std::string& name, double fallback) const {
  return has(name) ? parse_number(get(name, ""), "--" + name) : fallback;
}

inline long arguments::get_long(const std::string& name, long fallback) const {
  return has(name) ? parse_integer(get(name, ""), "--" + name) : fallback;
}

inline std::size_t arguments::count(const std::string& name, long fallback, long least) const {
  const long value = get_long(name, fallback);
  if (value < least) throw invalid_argument("--" + name + " " + std::to_string(value) + ": must be >= " + std::to_string(least));
  return static_cast<std::size_t>(value);
}

inline void arguments::allow_only(const option_table& known) const {
  std::vector<std::string> names;
  for (const auto& o : known) names.push_back(o.name);
  for (const auto& name : m_order) {
    const auto o = std::find_if(known.begin(), known.end(), [&](const option& k) { return k.name == name; });
    if (o == known.end()) {
      const std::string near = closest(name, names);
      throw invalid_argument("unknown option --" + name + (near.empty() ? "" : "; did you mean --" + near + "?"));
    }
    if (!o->repeat && !o->value.empty()) (void)get(name, "");  // given once
  }
}

inline void arguments::at_most(std::size_t most, const std::string& takes) const {
  if (m_positional.size() > most) throw invalid_argument("unexpected argument '" + m_positional[most] + "' (" + takes + ")");
}

}  // namespace rein::cli
