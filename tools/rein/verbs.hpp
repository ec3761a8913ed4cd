#pragma once

// The verbs of a command-line front end: each registers its name, synopsis, options and what it
// runs; the usage text, the refusal of unknown or doubled options and the parsing come from that
// table. The model options (how a model file is loaded, io::load_options) and the toy options
// are shared by every verb that takes them.
#include "arguments.hpp"
#include "rein/core/error.hpp"
#include "rein/core/parallel_for.hpp"
#include "rein/infer/test_statistic.hpp"
#include "rein/infer/toys.hpp"
#include "rein/io/load_model.hpp"
#include "rein/io/load_options_text.hpp"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <new>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace rein::cli {

/// One verb: `rein NAME SYNOPSIS [options]`.
struct verb {
  std::string name;
  std::string synopsis;   ///< positional arguments and required options, e.g. "WS --mu X"
  cli::option_table options;  ///< the verb's own options
  bool model = false;     ///< whether it also takes model_options() (it loads a model file)
  std::function<int(const arguments&)> run;
};

/// The options that io::load_model reads: patches, measurement, interpolation codes, POI, fixed
/// and started parameters, masks, groups, the rates of reweighted models, --verbose.
inline const option_table& model_options() {
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

/// The command line's model options as io::load_model takes them.
inline io::load_options load_options_of(const arguments& args) {
  return io::load_options_of_text([&](const std::string& name) { return args.all(name); });
}

/// The registry of verbs, filled at static-initialisation time by `register_verb`.
inline std::map<std::string, verb>& verbs() {
  static std::map<std::string, verb> registry;
  return registry;
}

/// Registers a verb; use as `const bool <verb>_registered = register_verb({...});`.
inline bool register_verb(verb v) {
  const std::string name = v.name;
  return verbs().emplace(name, std::move(v)).second;
}

/// Every option `v` takes: its own, then the model options when it loads a model.
inline option_table options_of(const verb& v) {
  auto all = v.options;
  if (v.model) all.insert(all.end(), model_options().begin(), model_options().end());
  return all;
}

/// The one-line usage of `v`: name, synopsis and every option; with `help`, one line per option.
inline std::string usage(const verb& v, bool help) {
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

/// `tokens` parsed as `verb` parses them, checked against its options.
inline arguments parse(const std::string& verb, const std::vector<std::string>& tokens) {
  const auto& v = verbs().at(verb);
  const auto known = options_of(v);
  arguments args(tokens, known);
  args.allow_only(known);
  return args;
}

/// The options of toys: --toys N --seed S --threads T.
inline const option_table& toy_options() {
  static const option_table table = {{"toys", "N", "toys instead of asymptotic formulae"},
                                {"seed", "S", "the random seed (default 0; the same results at any --threads)"},
                                {"threads", "T", "worker threads (default 1)"}};
  return table;
}

/// --toys N --seed S --threads T --test-stat qtilde|q, reporting to `progress`.
/// @throws invalid_argument unless N ≥ 1, S ≥ 0 and T ≥ 1.
inline infer::toy_options toy_options_of(const arguments& args, progress_callback progress) {
  infer::toy_options options;
  options.statistic = infer::test_statistic_from_string(args.get("test-stat", "qtilde"));
  options.n_toys = args.count("toys", 0, 1);
  options.seed = args.count("seed", 0, 0);
  options.threads = static_cast<unsigned>(args.count("threads", 1, 1));
  options.progress = std::move(progress);
  return options;
}

/// The usage of every verb, one line each.
inline void print_usage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " VERB [ARGS...]   (" << program << " help VERB: its options)\n\nverbs:\n";
  for (const auto& [name, v] : verbs()) out << "  " << usage(v, false) << '\n';
}

/// Runs the command line `program ARGUMENT...` (argument: the words after the program's name): the
/// verb's `run` on its parsed arguments, `--help`/`-h`/`help [VERB]` (usage on `out`), `--version`
/// (`program version`). Errors go to `err` as "program verb: message".
/// @return the verb's exit code; 1 when it throws (an error, or memory exhausted); 2 for no verb or
///         an unknown one (with a "did you mean" hint)
inline int run_command_line(const std::vector<std::string>& argument, const std::string& program, const std::string& version,
                            std::ostream& out, std::ostream& err) {
  if (argument.empty() || argument[0] == "--help" || argument[0] == "-h" || (argument[0] == "help" && argument.size() == 1)) {
    print_usage(argument.empty() ? err : out, program);
    return argument.empty() ? 2 : 0;
  }
  if (argument[0] == "--version") {
    out << program << " " << version << '\n';
    return 0;
  }
  // rein help VERB, rein VERB --help: that verb's usage on stdout
  const bool help = argument[0] == "help";
  const std::string name = argument[help ? 1 : 0];
  const auto found = verbs().find(name);
  if (found == verbs().end()) {
    std::vector<std::string> names;
    for (const auto& [known, v] : verbs()) names.push_back(known);
    const std::string near = closest(name, names);
    err << program << ": unknown verb '" << name << "'" << (near.empty() ? "" : "; did you mean '" + near + "'?") << "\n";
    print_usage(err, program);
    return 2;
  }
  if (help || std::any_of(argument.begin() + 1, argument.end(), [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    out << "usage: " + program + " " << usage(found->second, true) << '\n';
    return 0;
  }
  try {
    return found->second.run(parse(name, std::vector<std::string>(argument.begin() + 1, argument.end())));
  } catch (const std::bad_alloc&) {
    // an input that asked for more memory than there is, past every size guard: say so plainly
    err << program << " " << name << ": out of memory: an input asks for more memory than this machine has "
              << "(inputs are checked against REIN_MAX_INPUT_BYTES, docs/conventions.md; this one was not)\n";
    return 1;
  } catch (const std::exception& e) {
    err << program << " " << name << ": " << e.what() << '\n';
    return 1;
  }
}

}  // namespace rein::cli
