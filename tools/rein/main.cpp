// rein: pyhf-like verbs over rein's library, JSON on stdout, errors on stderr with exit code 1.
#include "cli.hpp"

#include <exception>
#include <new>
#include <iostream>

namespace {

void print_usage(std::ostream& out) {
  out << "usage: rein VERB [ARGS...]\n\nverbs:\n";
  for (const auto& [name, v] : rein::cli::verbs()) out << "  " << v.usage << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  const auto found = rein::cli::verbs().find(name);
  if (found == rein::cli::verbs().end()) {
    std::cerr << "rein: unknown verb '" << name << "'\n";
    print_usage(std::cerr);
    return 2;
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
