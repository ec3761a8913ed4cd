#include "cli.hpp"

#include "rein/version.hpp"

namespace {

const bool version_registered = rein::cli::register_verb(
    {"version", "version                      print rein's version as JSON", {}, [](const rein::cli::arguments& args) {
       args.allow_only({});
       rein::cli::print_json({{"rein", rein::version_string}});
       return 0;
     }});

}  // namespace
