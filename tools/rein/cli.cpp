#include "cli.hpp"

#include "rein/core/detail/suggest.hpp"
#include "rein/core/parse_number.hpp"
#include "rein/core/shard.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/io/json/shard.hpp"
#include "rein/io/load_options_text.hpp"
#include "rein/likelihood/validate.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/load_model.hpp"
#endif

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <iterator>

namespace rein::cli {

arguments::arguments(std::vector<std::string> tokens, const option_table& known) : m_tokens(tokens) {
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
  return has(name) ? parse_number(get(name, ""), "--" + name) : fallback;
}

long arguments::get_long(const std::string& name, long fallback) const {
  return has(name) ? parse_integer(get(name, ""), "--" + name) : fallback;
}

std::size_t arguments::count(const std::string& name, long fallback, long least) const {
  const long value = get_long(name, fallback);
  if (value < least) throw invalid_argument("--" + name + " " + std::to_string(value) + ": must be >= " + std::to_string(least));
  return static_cast<std::size_t>(value);
}

void arguments::allow_only(const option_table& known) const {
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

void arguments::at_most(std::size_t most, const std::string& takes) const {
  if (m_positional.size() > most) throw invalid_argument("unexpected argument '" + m_positional[most] + "' (" + takes + ")");
}

std::map<std::string, verb>& verbs() {
  static std::map<std::string, verb> registry;
  return registry;
}

bool register_verb(verb v) {
  const std::string name = v.name;
  return verbs().emplace(name, std::move(v)).second;
}

option_table options_of(const verb& v) {
  auto all = v.options;
  if (v.model) all.insert(all.end(), model_options().begin(), model_options().end());
  return all;
}

std::string usage(const verb& v, bool help) {
  // the options in brackets (those the synopsis shows aside), with --help one line each
  const auto lines = [&](const option_table& table, std::string& line) {
    std::string out;
    for (const auto& o : table) {
      const std::string text = "--" + o.name + (o.value.empty() ? "" : " " + o.value) + (o.repeat ? " ..." : "");
      if (v.synopsis.find("--" + o.name + " ") == std::string::npos) line += " [" + text + "]";
      out += "\n  " + text + std::string(text.size() < 34 ? 34 - text.size() : 1, ' ') + o.help;
    }
    return out;
  };
  std::string line = v.name + (v.synopsis.empty() ? "" : " " + v.synopsis), shown_as_one;
  const std::string own = lines(v.options, line), model = v.model ? lines(model_options(), shown_as_one) : "";
  if (v.model) line += " [model options]";
  if (!help) return line;
  return line + (own.empty() ? "" : "\n\noptions:" + own) + (model.empty() ? "" : "\n\nmodel options (how WS is loaded):" + model);
}

arguments parse(const std::string& verb, const std::vector<std::string>& tokens) {
  const auto& v = verbs().at(verb);
  const auto known = options_of(v);
  arguments args(tokens, known);
  args.allow_only(known);
  return args;
}

void print_json(const nlohmann::json& value) { std::cout << value.dump(2) << '\n'; }

void print_or_write(const nlohmann::json& value, const arguments& args) {
  if (args.has("output-file")) io::write_json(value, args.get("output-file", ""), 4);
  else std::cout << value.dump(4) << '\n';
}

int finish(nlohmann::json out, std::chrono::steady_clock::time_point begin, bool ok) {
  out["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  print_json(out);
  return ok ? 0 : 3;
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

std::pair<std::string, std::string> assignment(const std::string& item, const std::string& option, const std::string& form) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) throw invalid_argument(option + " '" + item + "' must be " + form);
  return {item.substr(0, eq), item.substr(eq + 1)};
}

const option_table& model_options() {
  static const option_table table = {
      {"patch", "P", "a JSON Patch or pyhf patchset applied to WS", true},
      {"patch-name", "N", "the entry of a patchset --patch to apply", true},
      {"patch-values", "V1,V2,...", "the entry of a patchset --patch with these values", true},
      {"verbose", "", "notes on stderr (e.g. observations pyhf ignores)"},
      {"measurement", "M", "the measurement of WS to use"},
      {"interp", "normsys=code1,histosys=code0", "the interpolation codes", true},
      {"poi", "NAME", "the parameter of interest"},
      {"poi-bounds", "LO:HI", "the bounds of the parameter of interest"},
      {"fix", "NAME=VALUE", "hold a parameter at VALUE", true},
      {"init", "NAME=VALUE", "start a parameter at VALUE", true},
      {"mask", "CHANNEL", "leave a channel out of the fit", true},
      {"group", "NAME=PAT1,PAT2", "a group of parameters by glob patterns", true},
      {"freeze", "GROUP", "hold a group's parameters at their inits", true},
      {"null", "NAME", "the null rate of a redist saved model or reweighted workspace"},
      {"alt", "NAME", "the alternative rate (wet-b-to-k-nunu, ...)"},
      {"alt-table", "Q2_RATE.csv", "the alternative rate as a table q2,dgamma_dq2"},
      {"quadrature", "endpoint-adapted|gauss-legendre", "how the rates are integrated over bins"}};
  return table;
}

io::load_options load_options_of(const arguments& args) {
  return io::load_options_of_text([&](const std::string& name) { return args.all(name); });
}

io::loaded_model load(const arguments& args, const io::load_options& options) {
  const std::string path = args.positional(0, "WS (a pyhf JSON workspace or a reweighted model)");
  // a second file name is a mistake (a patch without --patch, a flag's value split off), never ignored
  args.at_most(1, "the verb takes one model file, WS; options start with --");
#ifdef REIN_HAS_HDF5
  return io::hdf5::load_model(path, options);
#else
  return io::load_model(path, options);
#endif
}

likelihood::model load_model(const arguments& args) {
  auto loaded = load(args, load_options_of(args));
  // pyhf ignores them silently; say so only when asked
  if (args.has("verbose"))
    for (const auto& name : likelihood::unused_observations(loaded.workspace))
      std::cerr << "rein: note: ignoring the observation of channel '" << name << "', which the (patched) workspace does not have\n";
  return std::move(loaded.model);
}

const option_table& toy_options() {
  static const option_table table = {{"toys", "N", "toys instead of asymptotic formulae"},
                                {"seed", "S", "the random seed (default 0; the same results at any --threads)"},
                                {"threads", "T", "worker threads (default 1)"}};
  return table;
}

infer::toy_options toy_options_of(const arguments& args) {
  infer::toy_options options;
  options.statistic = infer::test_statistic_from_string(args.get("test-stat", "qtilde"));
  options.n_toys = args.count("toys", 0, 1);
  options.seed = args.count("seed", 0, 0);
  options.threads = static_cast<unsigned>(args.count("threads", 1, 1));
  options.progress = terminal_progress("rein: toys");
  return options;
}

std::function<void(std::size_t, std::size_t)> terminal_progress(const std::string& what) {
  if (isatty(STDERR_FILENO) == 0) return {};
  const auto begin = std::chrono::steady_clock::now();
  return [what, begin](std::size_t done, std::size_t total) {
    const auto minutes_seconds = [](double seconds) {
      const auto s = static_cast<long>(std::lround(seconds));
      return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
    };
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    // the rest at the rate so far; when done, the time it took
    const std::string time = done == total ? ", " + minutes_seconds(elapsed)
                             : done > 0    ? ", ETA " + minutes_seconds(elapsed * static_cast<double>(total - done) / static_cast<double>(done))
                                           : "";
    // \033[K clears what a longer earlier line left behind
    std::fprintf(stderr, "\r%s %zu/%zu%s\033[K%s", what.c_str(), done, total, time.c_str(), done == total ? "\n" : "");
    std::fflush(stderr);
  };
}

std::optional<shard> shard_of(const arguments& args, std::size_t tasks) {
  if (!args.has("shard")) return std::nullopt;
  shard s;
  std::tie(s.index, s.count) = shard_of_string(args.get("shard", ""), "--shard");
  std::tie(s.first, s.end) = shard_slice(tasks, s.index, s.count);
  return s;
}

std::string run_digest(const std::string& verb, const arguments& args, std::size_t count) {
  // the model file, a grid's patch files after the first (--patches P1 P2 ... are positional), and
  // the signal points of a grid (--patches, --patchset)
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.positional_count(); ++i) files.push_back(args.positional(i, "WS"));
  for (const char* option : {"patch", "patches", "patchset"})
    for (const auto& patch : args.all(option)) files.push_back(patch);
  return io::run_digest(verb, args.tokens(), count, files);
}

nlohmann::json signed_shard(nlohmann::json document, const std::string& verb, const shard& s, const arguments& args) {
  document["shard"] = io::shard_record(verb, s.index, s.count, args.tokens());
  document["first"] = s.first;
  io::sign_shard(document, run_digest(verb, args, s.count));
  return document;
}

}  // namespace rein::cli
