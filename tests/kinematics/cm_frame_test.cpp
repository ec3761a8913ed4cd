#include "rein/kinematics/cm_frame.hpp"
#include "rein/core/random.hpp"

#include "support/close.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <random>

namespace cm_frame_test {

namespace {
using rein::kinematics::cm_frame;
using rein::kinematics::four_vector;
const double qnan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("cm_frame: the basf2 presets give the documented sqrt(s) and beta") {
    // Reference: tests/data/physics/kinematics.md, "Frame" (basf2 beamparameters.py presets).
    // Tolerances are half a unit of the last printed digit.
    const auto y4s = cm_frame::y4s();
    REIN_CHECK_ABS(y4s.sqrt_s(), 10.579558, 5e-7);
    REIN_CHECK_ABS(y4s.beta().x(), 0.041488089, 5e-10);
    CHECK(y4s.beta().y() == 0.0);
    REIN_CHECK_ABS(y4s.beta().z(), 0.272525467, 5e-10);
    REIN_CHECK_ABS(y4s.beta().norm(), 0.275665, 5e-7);
    REIN_CHECK_ABS(y4s.beam_energy(), 10.579558 / 2, 2.5e-7);
    const auto skb = cm_frame::superkekb();
    REIN_CHECK_ABS(skb.sqrt_s(), 10.573893, 5e-7);
    REIN_CHECK_ABS(skb.beta().x(), 0.041488, 5e-7);
    REIN_CHECK_ABS(skb.beta().z(), 0.272492, 5e-7);
  }

  TEST_CASE("cm_frame: the beam-energy spread gives sigma(sqrt s) of 4.99 MeV") {
    // Reference: kinematics.md "σ(√s) ≈ 4.99 MeV" (spreads 5.13 and 2.375 MeV), printed to 0.01 MeV.
    REIN_CHECK_ABS(rein::kinematics::sqrt_s_spread(rein::kinematics::beam_parameters::y4s()), 0.00499, 5e-6);
    REIN_CHECK_ABS(rein::kinematics::sqrt_s_spread(rein::kinematics::beam_parameters::superkekb()), 0.00499, 5e-6);
  }

  TEST_CASE("cm_frame: the test-vector tag boosted to the lab") {
    // Reference: kinematics.md "Boosted to the lab with the Y4S β⃗", 12 decimals, from an
    // independent numpy implementation; acceptance tolerance 1e-10 GeV.
    const four_vector tag_cm(-0.234654940068, -0.152446944305, 0.164862973023, 5.2897);
    const auto lab = cm_frame::y4s().to_lab(tag_cm);
    REIN_CHECK_ABS(lab.px(), -0.005574897248, 1e-10);
    REIN_CHECK_ABS(lab.py(), -0.152446944305, 1e-10);
    REIN_CHECK_ABS(lab.pz(), 1.669635733302, 1e-10);
    REIN_CHECK_ABS(lab.e(), 5.539530477453, 1e-10);
  }

  TEST_CASE("cm_frame: lab to CM and back reproduces every component to 1e-14") {
    // Acceptance: the round trip to 1e-14 GeV. Components are at most ~6 GeV (ulp 8.9e-16), the
    // two boosts take about six roundings each.
    const auto frame = cm_frame::y4s();
    std::mt19937_64 rng(20240607);
    double worst = 0.0;
    for (int n = 0; n < 10000; ++n) {
      const four_vector p = four_vector::from_mass({6.0 * rein::uniform01(rng) - 3.0,
                                                    6.0 * rein::uniform01(rng) - 3.0,
                                                    6.0 * rein::uniform01(rng) - 3.0},
                                                   0.5 * rein::uniform01(rng));
      const auto back = frame.to_lab(frame.to_cm(p));
      for (int i = 0; i < 4; ++i) worst = std::max(worst, std::abs(back[i] - p[i]));
    }
    INFO("largest deviation " << worst);
    CHECK(worst <= 1e-14);
  }

  TEST_CASE("cm_frame: a particle at rest in the CM moves with beta in the lab") {
    const auto frame = cm_frame::y4s();
    const auto lab = frame.to_lab(four_vector(0, 0, 0, frame.sqrt_s()));
    // closed form: (γ√s β⃗, γ√s) — this is the summed beam four-momentum
    const auto beams = rein::kinematics::beam_parameters::y4s().her() + rein::kinematics::beam_parameters::y4s().ler();
    for (int i = 0; i < 4; ++i) REIN_CHECK_ABS(lab[i], beams[i], 1e-14);  // ~11 GeV, few roundings
  }

  TEST_CASE("cm_frame: bad input names the function, argument and requirement") {
    CHECK_THROWS_WITH_AS(cm_frame(0.0, {0, 0, 0.2}),
                         doctest::Contains("rein::kinematics::cm_frame: sqrt_s = 0, must be finite and positive"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS(cm_frame(10.58, {0, 0, 1.0}),
                         doctest::Contains("rein::kinematics::cm_frame: beta = (0, 0, 1), must be finite with |beta| < 1"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)cm_frame::y4s().to_cm(four_vector(0.1, qnan, 0.2, 1.0)),
                         doctest::Contains("rein::kinematics::cm_frame::to_cm: lab.py = nan, four-vector components must be finite"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)cm_frame::y4s().to_lab(four_vector(0.1, 0.2, 0.2, qnan)),
                         doctest::Contains("rein::kinematics::cm_frame::to_lab: cm.e = nan"), rein::invalid_argument);
    rein::kinematics::beam_parameters bad = rein::kinematics::beam_parameters::y4s();
    bad.energy_ler = -4.0;
    CHECK_THROWS_WITH_AS((void)cm_frame::from_beams(bad),
                         doctest::Contains("rein::kinematics::beam_parameters: energy_ler = -4, must be finite and above "
                                           "the electron mass"),
                         rein::invalid_argument);
    bad = rein::kinematics::beam_parameters::y4s();
    bad.sigma_energy_her = -0.001;
    CHECK_THROWS_WITH_AS((void)rein::kinematics::sqrt_s_spread(bad),
                         doctest::Contains("rein::kinematics::sqrt_s_spread: sigma_energy_her = -0.001, must be finite and "
                                           "non-negative"),
                         rein::invalid_argument);
  }
}
}  // namespace cm_frame_test
