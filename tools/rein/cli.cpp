#include "cli.hpp"

#include "rein/core/progress_text.hpp"
#include "rein/io/json/read_json.hpp"
#include "rein/likelihood/validate.hpp"
#ifdef REIN_HAS_HDF5
#include "rein/io/hdf5/load_model.hpp"
#endif

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace rein::cli {

void print_json(const nlohmann::json& value) { std::cout << value.dump(2) << '\n'; }

void print_or_write(const nlohmann::json& value, const arguments& args) {
  if (args.has("output-file")) io::write_json(value, args.get("output-file", ""), 4);
  else std::cout << value.dump(4) << '\n';
}

double seconds_since(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

int finish(nlohmann::json out, std::chrono::steady_clock::time_point begin, bool ok) {
  out["seconds"] = seconds_since(begin);
  print_json(out);
  return ok ? 0 : 3;
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

infer::toy_options toy_options_of(const arguments& args) { return toy_options_of(args, terminal_progress("rein: toys")); }

std::function<void(std::size_t, std::size_t)> terminal_progress(const std::string& what) {
  if (isatty(STDERR_FILENO) == 0) return {};
  const auto begin = std::chrono::steady_clock::now();
  return [what, begin](std::size_t done, std::size_t total) {
    const double elapsed = seconds_since(begin);
    // \033[K clears what a longer earlier line left behind
    std::fprintf(stderr, "\r%s\033[K%s", progress_text(what, done, total, elapsed).c_str(), done == total ? "\n" : "");
    std::fflush(stderr);
  };
}

}  // namespace rein::cli
