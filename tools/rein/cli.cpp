#include "cli.hpp"

#include "rein/core/detail/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <set>

namespace rein::cli {

arguments::arguments(std::vector<std::string> tokens, std::vector<std::string> flags_without_value) : m_tokens(tokens) {
  const std::set<std::string> bare(flags_without_value.begin(), flags_without_value.end());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token.size() > 2 && token.compare(0, 2, "--") == 0) {
      std::string name = token.substr(2);
      std::string value;
      const auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (bare.count(name) != 0) {
        value = "true";
      } else {
        if (i + 1 >= tokens.size()) throw invalid_argument("option --" + name + " needs a value");
        value = tokens[++i];
      }
      m_options.emplace(name, value);
      m_order.push_back(name);
    } else if (token == "-o") {
      // pyhf's and most tools' short flag for the output file
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

const std::string& arguments::positional(std::size_t i, const std::string& what) const {
  if (i >= m_positional.size()) throw invalid_argument("missing argument " + what);
  return m_positional[i];
}

std::string arguments::get(const std::string& name, const std::string& fallback) const {
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

std::vector<std::string> arguments::all(const std::string& name) const {
  std::vector<std::string> values;
  const auto range = m_options.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) values.push_back(it->second);
  return values;
}

double arguments::get_double(const std::string& name, double fallback) const {
  return has(name) ? parse_double(get(name, ""), "--" + name) : fallback;
}

long arguments::get_long(const std::string& name, long fallback) const {
  if (!has(name)) return fallback;
  const std::string token = get(name, "");
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(token.c_str(), &end, 10);
  if (token.empty() || *end != '\0' || errno != 0)
    throw invalid_argument("--" + name + " = '" + token + "' is not an integer");
  return value;
}

void arguments::allow_only(const std::vector<std::string>& known) const {
  const std::set<std::string> allowed(known.begin(), known.end());
  for (const auto& name : m_order)
    if (allowed.count(name) == 0) {
      const std::string near = closest(name, known);
      throw invalid_argument("unknown option --" + name + (near.empty() ? "" : "; did you mean --" + near + "?"));
    }
}

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  // a candidate within 2 edits (fewer than the word's letters) is a likely typo
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& c : candidates) {
    const std::size_t d = rein::detail::edit_distance(word, c);
    if (d < best_distance && d < word.size()) best = c, best_distance = d;
  }
  return best;
}

std::map<std::string, verb>& verbs() {
  static std::map<std::string, verb> registry;
  return registry;
}

bool register_verb(verb v) {
  const std::string name = v.name;
  return verbs().emplace(name, std::move(v)).second;
}

void print_json(const nlohmann::json& value) { std::cout << value.dump(2) << '\n'; }

double parse_double(const std::string& token, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(token.c_str(), &end);
  if (token.empty() || *end != '\0' || errno == ERANGE)
    throw invalid_argument(what + " = '" + token + "' is not a number");
  return value;
}

}  // namespace rein::cli
