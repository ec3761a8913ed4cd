// A downstream project: rein must be usable through find_package and add_subdirectory alike.
#include <rein/rein.hpp>

#include <iostream>

int main() {
  std::cout << "rein " << rein::version_string << '\n';
  return 0;
}
