#include "rein/core/parse_number.hpp"
#include "rein/core/shard.hpp"
#include "rein/infer/scan.hpp"
#include "rein/io/density_spec.hpp"
#include "rein/io/load_options_text.hpp"
#include "support/message.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

// The text forms of options that front ends share (the CLI's model options, NAME=VALUE lists,
// "I/N", "LO:HI:N", edge specs): what each text gives, and that bad text is refused naming it.
namespace option_text_test {

namespace {

using rein::test::message_of;

rein::io::load_options options_of(const std::map<std::string, std::vector<std::string>>& given) {
  return rein::io::load_options_of_text([&](const std::string& name) {
    const auto found = given.find(name);
    return found == given.end() ? std::vector<std::string>{} : found->second;
  });
}

}  // namespace

TEST_CASE("numbers in text: the whole token, or an error naming it") {
  // exact: these decimal strings are the doubles they name (strtod rounds correctly)
  CHECK(rein::parse_number("-2.5", "--x") == -2.5);
  CHECK(rein::parse_number("1e-3", "--x") == 1e-3);
  CHECK(rein::parse_integer("42", "--n") == 42);
  CHECK(message_of([] { (void)rein::parse_number("1.5x", "--cl"); }) == "--cl = '1.5x' is not a number");
  CHECK(message_of([] { (void)rein::parse_number("", "--cl"); }) == "--cl = '' is not a number");
  CHECK(message_of([] { (void)rein::parse_integer("2.5", "--range N"); }) == "--range N = '2.5' is not an integer");
}

TEST_CASE("shard I/N: the pair, and every malformed spelling refused") {
  CHECK(rein::shard_of_string("0/4", "--shard") == std::pair<std::size_t, std::size_t>{0, 4});
  CHECK(rein::shard_of_string("3/4", "--shard") == std::pair<std::size_t, std::size_t>{3, 4});
  CHECK(message_of([] { (void)rein::shard_of_string("3/3", "--shard"); }) == "--shard '3/3': need 0 <= I < N, got I = 3, N = 3");
  CHECK(message_of([] { (void)rein::shard_of_string("1", "--shard"); }) == "--shard '1' must be I/N, e.g. 0/4");
  for (const char* bad : {"-1/4", "a/4", "1/", "/4", "1/4x"})
    CHECK(message_of([&] { (void)rein::shard_of_string(bad, "--shard"); }).find("must be I/N with integers") != std::string::npos);
}

TEST_CASE("LO:HI:N grids are linear_grid's") {
  CHECK(rein::infer::linear_grid_of("0:10:6", "--range") == rein::infer::linear_grid(0, 10, 6));
  CHECK(message_of([] { (void)rein::infer::linear_grid_of("0:10", "--range"); }) == "--range '0:10' must be LO:HI:N, e.g. 0:10:21");
  CHECK(message_of([] { (void)rein::infer::linear_grid_of("0:5:2.5", "--range"); }) == "--range N = '2.5' is not an integer");
}

TEST_CASE("load options from the text of the model options") {
  const auto o = options_of({{"patch", {"a.json", "b.json"}},
                             {"patch-name", {"p1"}},
                             {"measurement", {"meas"}},
                             {"poi", {"mu"}},
                             {"interp", {"normsys=code1,histosys=code0"}},
                             {"poi-bounds", {"-1:5"}},
                             {"fix", {"lumi=1.01"}},
                             {"init", {"mu=0.5"}},
                             {"mask", {"CR"}},
                             {"group", {"syst=corr_*,uncorr_*"}},
                             {"freeze", {"syst"}}});
  REQUIRE(o.patches.size() == 2);
  CHECK(o.patches[0].path == "a.json");
  CHECK(o.patches[0].name == std::optional<std::string>("p1"));
  CHECK_FALSE(o.patches[1].name.has_value());
  CHECK(o.model.measurement == std::optional<std::string>("meas"));
  CHECK(o.model.poi == std::optional<std::string>("mu"));
  CHECK(o.model.normsys == rein::likelihood::interpolation_code::code1);
  CHECK(o.model.histosys == rein::likelihood::interpolation_code::code0);
  CHECK(o.model.poi_bounds == std::optional<std::pair<double, double>>({-1.0, 5.0}));
  CHECK(o.model.fixed == std::vector<std::pair<std::string, double>>{{"lumi", 1.01}});
  CHECK(o.model.inits == std::vector<std::pair<std::string, double>>{{"mu", 0.5}});
  CHECK(o.masked == std::vector<std::string>{"CR"});
  REQUIRE(o.groups.size() == 1);
  CHECK(o.groups[0].name == "syst");
  CHECK(o.groups[0].patterns == std::vector<std::string>{"corr_*", "uncorr_*"});
  CHECK(o.frozen == std::vector<std::string>{"syst"});
  CHECK_FALSE(o.null.has_value());

  CHECK(message_of([] { (void)options_of({{"fix", {"lumi"}}}); }) == "--fix 'lumi' must be NAME=VALUE");
  CHECK(message_of([] { (void)options_of({{"poi-bounds", {"5:1"}}}); }) == "--poi-bounds '5:1': need LO < HI");
  CHECK(message_of([] { (void)options_of({{"interp", {"shapesys=code1"}}}); }) ==
        "--interp: 'shapesys' has no interpolation code (normsys or histosys)");
  CHECK(message_of([] { (void)options_of({{"patch-name", {"p1"}}}); }) == "--patch-name needs a --patch (a patchset) to choose from");
  CHECK(message_of([] { (void)options_of({{"poi", {"mu", "x"}}}); }) == "--poi is given 2 times; it takes one value");
}

TEST_CASE("NAME=VALUE lists") {
  using pairs = std::vector<std::pair<std::string, double>>;
  CHECK(rein::io::named_numbers_of_text({"cvl=0,csl=0", "ctl=1.5"}, "--null-fix", true) == pairs{{"cvl", 0}, {"csl", 0}, {"ctl", 1.5}});
  CHECK(rein::io::named_numbers_of_text({"mu=-3"}, "--set") == pairs{{"mu", -3}});
  CHECK(message_of([] { (void)rein::io::named_numbers_of_text({"mu=x"}, "--set"); }) == "--set mu = 'x' is not a number");
  CHECK(message_of([] { (void)rein::io::named_numbers_of_text({"=1"}, "--set"); }) == "--set '=1' must be NAME=VALUE");
  CHECK(rein::io::split_text("a,,b") == std::vector<std::string>{"a", "", "b"});
  CHECK(rein::io::split_text("") == std::vector<std::string>{""});
}

TEST_CASE("density specs: sources, edges with uniform runs, axes") {
  const auto d = rein::io::density_source_of("signal=dir/a:b.csv:SR:sig");
  CHECK(d.name == "signal");
  CHECK(d.file == "dir/a:b.csv");
  CHECK(d.channel == "SR");
  CHECK(d.sample == "sig");
  CHECK(message_of([] { (void)rein::io::density_source_of("signal=a.csv:SR"); }).find("must be NAME=FILE:CHANNEL:SAMPLE") != std::string::npos);
  // -1, then 0:2:4 = 0, 0.5, 1, 1.5, 2 (exact binary fractions), then 2:3:1 joins at 2
  CHECK(rein::io::edges_of_spec("-1,0:2:4,2:3:1", "--edges q2") == std::vector<double>{-1, 0, 0.5, 1, 1.5, 2, 3});
  CHECK(message_of([] { (void)rein::io::edges_of_spec("0:1:0", "--edges q2"); }) == "--edges q2 item '0:1:0': N = '0' must be a positive integer");
  const auto axes = rein::io::density_axes_of({"q2=0:2:2", "x=1,2"}, {"q2=GeV^2"}, true);
  CHECK(axes.variables == std::vector<std::string>{"q2", "x"});
  CHECK(axes.edges[0] == std::vector<double>{0, 1, 2});
  CHECK(axes.units == std::vector<std::string>{"GeV^2", ""});
  CHECK(message_of([] { (void)rein::io::density_axes_of({"q2=0,1", "q2=0,2"}, {}, false); }) == "--edges: variable 'q2' given twice");
  CHECK(message_of([] { (void)rein::io::density_axes_of({"q2=0,1"}, {"y=GeV"}, true); }) == "--units: variable 'y' has no --edges");
}

}  // namespace option_text_test
