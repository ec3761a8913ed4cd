#pragma once

// The rein command line: each verb declares its options once (name, value, help, repeatable) and
// registers itself; the usage text, the refusal of unknown or doubled options and the parsing
// come from that table. Verbs parse, call the library and print: what they share is here.
#include "rein/core/error.hpp"
#include "rein/infer/toys.hpp"
#include "rein/io/load_model.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
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

struct verb {
  std::string name;
  std::string synopsis;   ///< positional arguments and required options, e.g. "WS --mu X"
  cli::option_table options;  ///< the verb's own options
  bool model = false;     ///< whether it also takes model_options() (it loads WS with load())
  std::function<int(const arguments&)> run;
};

/// The registry of verbs, filled at static-initialisation time by `register_verb`.
std::map<std::string, verb>& verbs();

/// Registers a verb; use as `const bool <verb>_registered = register_verb({...});`.
bool register_verb(verb v);

/// Every option `v` takes: its own, then the model options when it loads a model.
option_table options_of(const verb& v);

/// The one-line usage of `v`: name, synopsis and every option; with `help`, one line per option.
std::string usage(const verb& v, bool help);

/// `tokens` parsed as `verb` parses them, checked against its options.
arguments parse(const std::string& verb, const std::vector<std::string>& tokens);

/// Prints JSON to stdout, two-space indented, full double precision.
void print_json(const nlohmann::json& value);

/// pyhf's workspace verbs' JSON (keys sorted, four-space indent): stdout, or --output-file.
void print_or_write(const nlohmann::json& value, const arguments& args);

/// Prints `out` with "seconds" since `begin`; returns 0 when `ok`, else 3 (a status not ok).
int finish(nlohmann::json out, std::chrono::steady_clock::time_point begin, bool ok);

/// The candidate within two edits of `word` (a likely typo), or "" (for "did you mean" hints).
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

/// NAME and VALUE of "NAME=VALUE" (NAME non-empty); throws invalid_argument "OPTION 'item' must be FORM".
std::pair<std::string, std::string> assignment(const std::string& item, const std::string& option, const std::string& form);

/// The options that io::load_model reads: patches, measurement, interpolation codes, POI, fixed
/// and started parameters, masks, groups, the rates of reweighted models, --verbose.
const option_table& model_options();

/// The command line's model options as io::load_model takes them.
io::load_options load_options_of(const arguments& args);

/// io::load_model of the one positional argument WS with `options` (HDF5 reweighted workspaces
/// too when rein is built with rein::hdf5).
io::loaded_model load(const arguments& args, const io::load_options& options);

/// load(args, load_options_of(args)).model; with --verbose, notes the observations it ignores.
likelihood::model load_model(const arguments& args);

/// The options of toys: --toys N --seed S --threads T.
const option_table& toy_options();

/// --toys N --seed S --threads T --test-stat qtilde|q; a progress line on a terminal.
/// @throws invalid_argument unless N ≥ 1, S ≥ 0 and T ≥ 1.
infer::toy_options toy_options_of(const arguments& args);

/// "what done/total, ETA 1m05s" on stderr, rewritten in place (one line; the time taken once done);
/// empty unless stderr is a terminal.
std::function<void(std::size_t, std::size_t)> terminal_progress(const std::string& what);

/// --shard I/N: slice I of N of a run's pure tasks (rein::shard_slice), with what `rein merge`
/// needs to check and join the slices (io/json/shard.hpp).
struct shard {
  std::size_t index = 0;  ///< 0 ≤ index < count
  std::size_t count = 1;
  std::size_t first = 0;  ///< the slice of the tasks: [first, end)
  std::size_t end = 0;
};

/// The --shard I/N option over `tasks` tasks, if given (rein::shard_of_string says what is refused).
std::optional<shard> shard_of(const arguments& args, std::size_t tasks);

/// io::run_digest of the run: the model file (and every other positional argument) and every
/// --patch, --patches and --patchset file.
std::string run_digest(const std::string& verb, const arguments& args, std::size_t count);

/// `document` with io::shard_record of the run under "shard", "first", signed by io::sign_shard.
nlohmann::json signed_shard(nlohmann::json document, const std::string& verb, const shard& s, const arguments& args);

}  // namespace rein::cli
