#include "rein/kinematics/four_vector.hpp"

#include "support/close.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace four_vector_test {

namespace {
using rein::kinematics::four_vector;
using rein::kinematics::three_vector;
const double qnan = std::numeric_limits<double>::quiet_NaN();
const double pi = 3.141592653589793238462643383279502884;
}  // namespace

TEST_SUITE("kinematics") {
  TEST_CASE("four_vector: mass, momentum and angles in closed form") {
    const four_vector p(3.0, 4.0, 12.0, 14.0);  // |p| = 13 (5-12-13), m² = 196 − 169 = 27
    CHECK(p.p2() == 169.0);
    CHECK(p.p() == 13.0);
    CHECK(p.pt() == 5.0);
    CHECK(p.mass2() == 27.0);
    // sqrt is correctly rounded (IEEE 754): compare with the same operation
    CHECK(p.mass() == std::sqrt(27.0));
    REIN_CHECK_REL(p.cos_theta(), 12.0 / 13.0, 1e-15);  // one division, ≤ 1 ulp
    REIN_CHECK_REL(p.phi(), std::atan2(4.0, 3.0), 1e-15);
    REIN_CHECK_REL(p.theta(), std::acos(12.0 / 13.0), 1e-14);  // acos amplifies rounding near 0
    const auto from_mass = four_vector::from_mass({3.0, 4.0, 12.0}, std::sqrt(27.0));
    REIN_CHECK_REL(from_mass.e(), 14.0, 1e-15);  // √(169 + 27) up to one rounding of √27²
  }

  TEST_CASE("four_vector: a spacelike vector has a negative signed mass") {
    // convention (documented): mass() = −√(−m²) for m² < 0, as ROOT's TLorentzVector::M()
    const four_vector p(0.0, 0.0, 5.0, 3.0);  // m² = 9 − 25 = −16
    CHECK(p.mass2() == -16.0);
    CHECK(p.mass() == -4.0);
  }

  TEST_CASE("four_vector: boosting a particle at rest gives (γmβ⃗, γm)") {
    const double m = 5.27972;
    const three_vector beta(0.1, -0.2, 0.3);
    const double gamma = 1.0 / std::sqrt(1.0 - beta.norm2());
    const auto p = four_vector(0, 0, 0, m).boost(beta);
    // closed form; the boost uses γ²/(γ+1) instead of (γ−1)/β², both exact algebraically:
    // a few roundings of numbers of size γm ≈ 5.7
    REIN_CHECK_REL(p.e(), gamma * m, 1e-15);
    REIN_CHECK_REL(p.px(), gamma * m * 0.1, 1e-15);
    REIN_CHECK_REL(p.py(), -gamma * m * 0.2, 1e-15);
    REIN_CHECK_REL(p.pz(), gamma * m * 0.3, 1e-15);
    REIN_CHECK_REL(p.mass(), m, 1e-14);  // m from E² − p²: cancellation costs a factor γ²/1 ≈ 1.2
  }

  TEST_CASE("four_vector: boosts and rotations preserve invariants and invert exactly") {
    const four_vector a(0.346455427111, -0.264789374444, -0.660023148053, 0.932465716307);
    const four_vector b(-1.281586473827, 0.962240274591, -0.362252440223, 1.646438811101);
    const three_vector beta(0.041488089, 0.0, 0.272525467);
    const auto a1 = a.boost(beta), b1 = b.boost(beta);
    // Lorentz invariance is an identity; both sides are O(1) GeV² with ~10 roundings
    REIN_CHECK_ABS(dot(a1, b1), dot(a, b), 1e-14);
    REIN_CHECK_ABS(a1.mass2(), a.mass2(), 1e-14);
    const auto back = a1.boost(-beta);
    for (int i = 0; i < 4; ++i) REIN_CHECK_ABS(back[i], a[i], 1e-15);  // components ≤ 1 GeV

    const auto r = a.rotate_x(0.3).rotate_y(-1.1).rotate_z(2.0);
    REIN_CHECK_ABS(r.p(), a.p(), 1e-15);
    CHECK(r.e() == a.e());
    REIN_CHECK_ABS(dot(r, b.rotate_x(0.3).rotate_y(-1.1).rotate_z(2.0)), dot(a, b), 1e-14);
    // Rodrigues about the coordinate axes equals the dedicated rotations
    const auto rx = a.rotate({2.0, 0.0, 0.0}, 0.7), rx2 = a.rotate_x(0.7);
    const auto ry = a.rotate({0.0, 0.5, 0.0}, 0.7), ry2 = a.rotate_y(0.7);
    const auto rz = a.rotate({0.0, 0.0, 3.0}, 0.7), rz2 = a.rotate_z(0.7);
    for (int i = 0; i < 3; ++i) {
      REIN_CHECK_ABS(rx[i], rx2[i], 1e-15);
      REIN_CHECK_ABS(ry[i], ry2[i], 1e-15);
      REIN_CHECK_ABS(rz[i], rz2[i], 1e-15);
    }
    // quarter turn about z maps x̂ → ŷ (right-handed)
    const auto q = four_vector(1, 0, 0, 2).rotate_z(pi / 2);
    REIN_CHECK_ABS(q.px(), 0.0, 1e-16);  // cos(π/2) of the rounded π/2 is 6e-17
    REIN_CHECK_ABS(q.py(), 1.0, 1e-16);
  }

  TEST_CASE("four_vector: rest-frame transformations invert each other") {
    const four_vector parent = four_vector::from_mass({0.3, -0.2, 1.5}, 1.77693);
    const four_vector d(0.1, 0.2, -0.3, 0.5);
    const auto lab = d.from_rest_frame_of(parent);
    const auto rest = lab.to_rest_frame_of(parent);
    for (int i = 0; i < 4; ++i) REIN_CHECK_ABS(rest[i], d[i], 1e-15);  // O(1) values, few roundings
    // the parent itself goes to (0, 0, 0, m)
    const auto p_rest = parent.to_rest_frame_of(parent);
    REIN_CHECK_ABS(p_rest.p(), 0.0, 1e-15);
    REIN_CHECK_REL(p_rest.e(), 1.77693, 1e-15);
    // and the boost by β⃗ = P⃗/E is the same transformation
    const auto lab2 = d.boost(parent.beta());
    for (int i = 0; i < 4; ++i) REIN_CHECK_ABS(lab2[i], lab[i], 1e-15);
  }

  TEST_CASE("four_vector: bad input names the function, argument and requirement") {
    const four_vector p(0.1, 0.2, 0.3, 1.0);
    CHECK_THROWS_WITH_AS((void)p.boost({0.6, 0.0, 0.8}),
                         doctest::Contains("rein::kinematics::four_vector::boost: beta = (0.59999999999999998, 0, "
                                           "0.80000000000000004), |beta|^2 = 1, must be finite with |beta| < 1"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)p.boost({qnan, 0.0, 0.0}), doctest::Contains("beta = (nan, 0, 0)"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)four_vector::from_mass({0, 0, 1}, -0.1),
                         doctest::Contains("rein::kinematics::four_vector::from_mass: m = -0.10000000000000001, must be "
                                           "finite and non-negative"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)four_vector::from_mass({0, qnan, 1}, 0.1),
                         doctest::Contains("from_mass: p = (0, nan, 1), must be finite"), rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)p.rotate({0, 0, 0}, 1.0),
                         doctest::Contains("rein::kinematics::four_vector::rotate: axis has norm 0, must be finite and non-zero"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)p.from_rest_frame_of(four_vector(0, 0, 2, 1)),
                         doctest::Contains("from_rest_frame_of: frame = (0, 0, 2, 1) has m^2 = -3, must be finite and "
                                           "timelike with E > 0"),
                         rein::invalid_argument);
    CHECK_THROWS_WITH_AS((void)p.to_rest_frame_of(four_vector(0, 0, 0, qnan)), doctest::Contains("to_rest_frame_of: frame"),
                         rein::invalid_argument);
  }
}
}  // namespace four_vector_test
