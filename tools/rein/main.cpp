// rein: pyhf-like verbs over rein's library, JSON on stdout, errors on stderr with exit code 1.
#include "cli.hpp"

#include "rein/version.hpp"

#include <algorithm>
#include <iostream>

int main(int argc, char** argv) {
  return rein::cli::run_command_line({argv + std::min(argc, 1), argv + argc}, "rein", rein::version_string, std::cout, std::cerr);
}
