// rein: pyhf-like verbs over rein's library, JSON on stdout, errors on stderr with exit code 1.
#include "cli.hpp"

#include "rein/version.hpp"

#include <algorithm>
#include <exception>
#include <new>
#include <iostream>

namespace {

void print_usage(std::ostream& out) {
  out << "usage: rein VERB [ARGS...]\n\nverbs:\n";
  for (const auto& [name, v] : rein::cli::verbs()) out << "  " << v.usage << '\n';
}

std::vector<std::string> verb_names() {
  std::vector<std::string> names;
  for (const auto& [name, v] : rein::cli::verbs()) names.push_back(name);
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      (std::string(argv[1]) == "help" && argc == 2)) {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (std::string(argv[1]) == "--version") {
    std::cout << "rein " << rein::version_string << '\n';
    return 0;
  }
  // rein help VERB, rein VERB --help: that verb's usage on stdout
  const bool help = std::string(argv[1]) == "help";
  const std::string name = help ? argv[2] : argv[1];
  const auto found = rein::cli::verbs().find(name);
  if (found == rein::cli::verbs().end()) {
    const std::string near = rein::cli::closest(name, verb_names());
    std::cerr << "rein: unknown verb '" << name << "'" << (near.empty() ? "" : "; did you mean '" + near + "'?") << "\n";
    print_usage(std::cerr);
    return 2;
  }
  if (help || std::any_of(argv + 2, argv + argc, [](const char* a) { return std::string(a) == "--help" || std::string(a) == "-h"; })) {
    std::cout << "usage: rein " << found->second.usage << '\n';
    return 0;
  }
  try {
    auto bare = found->second.flags_without_value;
    bare.push_back("verbose");  // every verb's: notes on stderr (e.g. observations pyhf ignores)
    const rein::cli::arguments args(std::vector<std::string>(argv + 2, argv + argc), bare);
    return found->second.run(args);
  } catch (const std::bad_alloc&) {
    // an input that asked for more memory than there is, past every size guard: say so plainly
    std::cerr << "rein " << name << ": out of memory: an input asks for more memory than this machine has "
              << "(inputs are checked against REIN_MAX_INPUT_BYTES, docs/conventions.md; this one was not)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "rein " << name << ": " << e.what() << '\n';
    return 1;
  }
}
