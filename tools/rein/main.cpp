// rein: pyhf-like verbs over rein's library, JSON on stdout, errors on stderr with exit code 1.
#include "cli.hpp"

#include "rein/version.hpp"

#include <algorithm>
#include <exception>
#include <iostream>
#include <new>

namespace {

void print_usage(std::ostream& out) {
  out << "usage: rein VERB [ARGS...]   (rein help VERB: its options)\n\nverbs:\n";
  for (const auto& [name, v] : rein::cli::verbs()) out << "  " << rein::cli::usage(v, false) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> argument(argv + std::min(argc, 1), argv + argc);
  if (argument.empty() || argument[0] == "--help" || argument[0] == "-h" || (argument[0] == "help" && argument.size() == 1)) {
    print_usage(argument.empty() ? std::cerr : std::cout);
    return argument.empty() ? 2 : 0;
  }
  if (argument[0] == "--version") {
    std::cout << "rein " << rein::version_string << '\n';
    return 0;
  }
  // rein help VERB, rein VERB --help: that verb's usage on stdout
  const bool help = argument[0] == "help";
  const std::string name = argument[help ? 1 : 0];
  const auto found = rein::cli::verbs().find(name);
  if (found == rein::cli::verbs().end()) {
    std::vector<std::string> names;
    for (const auto& [known, v] : rein::cli::verbs()) names.push_back(known);
    const std::string near = rein::cli::closest(name, names);
    std::cerr << "rein: unknown verb '" << name << "'" << (near.empty() ? "" : "; did you mean '" + near + "'?") << "\n";
    print_usage(std::cerr);
    return 2;
  }
  if (help || std::any_of(argument.begin() + 1, argument.end(), [](const std::string& a) { return a == "--help" || a == "-h"; })) {
    std::cout << "usage: rein " << rein::cli::usage(found->second, true) << '\n';
    return 0;
  }
  try {
    return found->second.run(rein::cli::parse(name, std::vector<std::string>(argument.begin() + 1, argument.end())));
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
