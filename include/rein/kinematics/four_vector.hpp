#pragma once

// Lorentz four-vectors (px, py, pz, E) with mass, boosts and rotations.
#include "rein/config.hpp"
#include "rein/core/detail/check.hpp"
#include "rein/core/error.hpp"
#include "rein/kinematics/three_vector.hpp"

#include <cmath>
#include <string>

namespace rein::kinematics {

/// A Lorentz four-vector (px, py, pz, E) in GeV, metric (+, −, −, −), stored as doubles.
///
/// Construction does not validate (four-vectors are built in hot loops); the functions that
/// consume four-vectors from users (variables, generators, frames) check that they are finite.
class four_vector {
 public:
  constexpr four_vector() noexcept = default;
  constexpr four_vector(double px, double py, double pz, double e) noexcept : m_px(px), m_py(py), m_pz(pz), m_e(e) {}
  constexpr four_vector(const three_vector& p, double e) noexcept : m_px(p.x()), m_py(p.y()), m_pz(p.z()), m_e(e) {}

  /// The on-shell four-vector with momentum p and mass m: E = √(|p|² + m²).
  /// @throws rein::invalid_argument if p is not finite or m is negative, NaN or infinite
  [[nodiscard]] static four_vector from_mass(const three_vector& p, double m) {
    rein::detail::check(p.is_finite(), "rein::kinematics::four_vector::from_mass: p = (" +
                                           rein::detail::format_value(p.x()) + ", " +
                                           rein::detail::format_value(p.y()) + ", " +
                                           rein::detail::format_value(p.z()) + "), must be finite");
    rein::detail::check(m >= 0.0 && std::isfinite(m), "rein::kinematics::four_vector::from_mass: m = " +
                                                          rein::detail::format_value(m) +
                                                          ", must be finite and non-negative");
    return {p, std::sqrt(p.norm2() + m * m)};
  }

  [[nodiscard]] constexpr double px() const noexcept { return m_px; }
  [[nodiscard]] constexpr double py() const noexcept { return m_py; }
  [[nodiscard]] constexpr double pz() const noexcept { return m_pz; }
  [[nodiscard]] constexpr double e() const noexcept { return m_e; }
  /// Component i: 0 → px, 1 → py, 2 → pz, 3 → E (unchecked).
  [[nodiscard]] constexpr double operator[](int i) const noexcept {
    return i == 0 ? m_px : i == 1 ? m_py : i == 2 ? m_pz : m_e;
  }
  /// The three-momentum.
  [[nodiscard]] constexpr three_vector p3() const noexcept { return {m_px, m_py, m_pz}; }
  /// |p⃗|².
  [[nodiscard]] constexpr double p2() const noexcept { return m_px * m_px + m_py * m_py + m_pz * m_pz; }
  /// |p⃗|.
  [[nodiscard]] double p() const noexcept { return std::sqrt(p2()); }
  /// Transverse momentum √(px² + py²).
  [[nodiscard]] double pt() const noexcept { return std::hypot(m_px, m_py); }
  /// Invariant mass squared E² − |p⃗|² (negative for spacelike vectors).
  [[nodiscard]] constexpr double mass2() const noexcept { return m_e * m_e - p2(); }
  /// Signed invariant mass: √(m²) for m² ≥ 0 and −√(−m²) for a spacelike vector (as ROOT's
  /// TLorentzVector::M()), so that resolution tails below zero stay visible instead of NaN.
  [[nodiscard]] double mass() const noexcept {
    const double m2 = mass2();
    return m2 >= 0.0 ? std::sqrt(m2) : -std::sqrt(-m2);
  }
  /// Polar angle of p⃗ to +z in [0, π].
  [[nodiscard]] double theta() const noexcept { return p3().theta(); }
  /// Azimuth of p⃗ in (−π, π].
  [[nodiscard]] double phi() const noexcept { return p3().phi(); }
  /// cos θ = pz/|p⃗| (NaN for p⃗ = 0).
  [[nodiscard]] double cos_theta() const noexcept { return m_pz / p(); }
  /// Velocity β⃗ = p⃗/E.
  [[nodiscard]] constexpr three_vector beta() const noexcept { return {m_px / m_e, m_py / m_e, m_pz / m_e}; }
  /// Whether all four components are finite.
  [[nodiscard]] bool is_finite() const noexcept {
    return std::isfinite(m_px) && std::isfinite(m_py) && std::isfinite(m_pz) && std::isfinite(m_e);
  }

  /// This vector seen from a frame moving with velocity −β⃗, i.e. the active boost by β⃗:
  /// E' = γ(E + β⃗·p⃗), p⃗' = p⃗ + β⃗ [γ²/(γ+1) β⃗·p⃗ + γE]. Boosting the rest-frame vector (0, m) by
  /// β⃗ gives a particle moving with velocity β⃗; boost(−β⃗) undoes boost(β⃗).
  /// @param b  velocity, |β⃗| < 1
  /// @throws rein::invalid_argument if b is not finite or |β⃗| ≥ 1
  [[nodiscard]] four_vector boost(const three_vector& b) const {
    const double b2 = b.norm2();
    if (!(b2 < 1.0) || !b.is_finite())
      throw invalid_argument("rein::kinematics::four_vector::boost: beta = (" + rein::detail::format_value(b.x()) +
                             ", " + rein::detail::format_value(b.y()) + ", " + rein::detail::format_value(b.z()) +
                             "), |beta|^2 = " + rein::detail::format_value(b2) + ", must be finite with |beta| < 1");
    const double gamma = 1.0 / std::sqrt(1.0 - b2);
    const double bp = dot(b, p3());
    const double k = gamma * gamma / (gamma + 1.0) * bp + gamma * m_e;
    return {m_px + k * b.x(), m_py + k * b.y(), m_pz + k * b.z(), gamma * (m_e + bp)};
  }

  /// This vector, given in the rest frame of `frame`, expressed in the frame where `frame` has
  /// its four-momentum: with M = m(frame), E' = (E_f E + P⃗·p⃗)/M,
  /// p⃗' = p⃗ + P⃗ [P⃗·p⃗/(M(E_f + M)) + E/M]. Uses γ = E_f/M directly (no 1 − β² cancellation).
  /// @throws rein::invalid_argument if frame is not finite, not timelike, or has E ≤ 0
  [[nodiscard]] four_vector from_rest_frame_of(const four_vector& frame) const {
    const double m = frame_mass(frame, "from_rest_frame_of");
    const double pp = frame.m_px * m_px + frame.m_py * m_py + frame.m_pz * m_pz;
    const double k = pp / (m * (frame.m_e + m)) + m_e / m;
    return {m_px + k * frame.m_px, m_py + k * frame.m_py, m_pz + k * frame.m_pz, (frame.m_e * m_e + pp) / m};
  }

  /// This vector expressed in the rest frame of `frame` (inverse of from_rest_frame_of).
  /// @throws rein::invalid_argument if frame is not finite, not timelike, or has E ≤ 0
  [[nodiscard]] four_vector to_rest_frame_of(const four_vector& frame) const {
    const double m = frame_mass(frame, "to_rest_frame_of");
    const double pp = frame.m_px * m_px + frame.m_py * m_py + frame.m_pz * m_pz;
    const double k = pp / (m * (frame.m_e + m)) - m_e / m;
    return {m_px + k * frame.m_px, m_py + k * frame.m_py, m_pz + k * frame.m_pz, (frame.m_e * m_e - pp) / m};
  }

  /// Rotation of p⃗ by `angle` (rad, right-handed) about the x axis.
  [[nodiscard]] four_vector rotate_x(double angle) const noexcept {
    const double c = std::cos(angle), s = std::sin(angle);
    return {m_px, c * m_py - s * m_pz, s * m_py + c * m_pz, m_e};
  }
  /// Rotation of p⃗ by `angle` (rad, right-handed) about the y axis.
  [[nodiscard]] four_vector rotate_y(double angle) const noexcept {
    const double c = std::cos(angle), s = std::sin(angle);
    return {c * m_px + s * m_pz, m_py, -s * m_px + c * m_pz, m_e};
  }
  /// Rotation of p⃗ by `angle` (rad, right-handed) about the z axis.
  [[nodiscard]] four_vector rotate_z(double angle) const noexcept {
    const double c = std::cos(angle), s = std::sin(angle);
    return {c * m_px - s * m_py, s * m_px + c * m_py, m_pz, m_e};
  }
  /// Rotation of p⃗ by `angle` (rad, right-handed) about `axis` (Rodrigues' formula).
  /// @throws rein::invalid_argument if axis is not finite or is the null vector
  [[nodiscard]] four_vector rotate(const three_vector& axis, double angle) const {
    const double n = axis.norm();
    if (!(n > 0.0) || !std::isfinite(n))
      throw invalid_argument("rein::kinematics::four_vector::rotate: axis has norm " + rein::detail::format_value(n) +
                             ", must be finite and non-zero");
    const three_vector k = axis * (1.0 / n);
    const three_vector v = p3();
    const double c = std::cos(angle), s = std::sin(angle);
    const three_vector r = v * c + cross(k, v) * s + k * (dot(k, v) * (1.0 - c));
    return {r, m_e};
  }

  constexpr four_vector& operator+=(const four_vector& o) noexcept {
    m_px += o.m_px;
    m_py += o.m_py;
    m_pz += o.m_pz;
    m_e += o.m_e;
    return *this;
  }
  constexpr four_vector& operator-=(const four_vector& o) noexcept {
    m_px -= o.m_px;
    m_py -= o.m_py;
    m_pz -= o.m_pz;
    m_e -= o.m_e;
    return *this;
  }
  constexpr four_vector& operator*=(double c) noexcept {
    m_px *= c;
    m_py *= c;
    m_pz *= c;
    m_e *= c;
    return *this;
  }
  friend constexpr four_vector operator+(four_vector a, const four_vector& b) noexcept { return a += b; }
  friend constexpr four_vector operator-(four_vector a, const four_vector& b) noexcept { return a -= b; }
  friend constexpr four_vector operator-(const four_vector& a) noexcept { return {-a.m_px, -a.m_py, -a.m_pz, -a.m_e}; }
  friend constexpr four_vector operator*(four_vector a, double c) noexcept { return a *= c; }
  friend constexpr four_vector operator*(double c, four_vector a) noexcept { return a *= c; }
  friend constexpr bool operator==(const four_vector& a, const four_vector& b) noexcept {
    return a.m_px == b.m_px && a.m_py == b.m_py && a.m_pz == b.m_pz && a.m_e == b.m_e;
  }
  friend constexpr bool operator!=(const four_vector& a, const four_vector& b) noexcept { return !(a == b); }

 private:
  static double frame_mass(const four_vector& f, const char* function) {
    const double m2 = f.mass2();
    if (!f.is_finite() || !(m2 > 0.0) || !(f.m_e > 0.0))
      throw invalid_argument(std::string("rein::kinematics::four_vector::") + function + ": frame = (" +
                             rein::detail::format_value(f.m_px) + ", " + rein::detail::format_value(f.m_py) + ", " +
                             rein::detail::format_value(f.m_pz) + ", " + rein::detail::format_value(f.m_e) +
                             ") has m^2 = " + rein::detail::format_value(m2) +
                             ", must be finite and timelike with E > 0");
    return std::sqrt(m2);
  }

  double m_px = 0.0;
  double m_py = 0.0;
  double m_pz = 0.0;
  double m_e = 0.0;
};

/// Minkowski product a·b = E_a E_b − p⃗_a·p⃗_b.
[[nodiscard]] inline constexpr double dot(const four_vector& a, const four_vector& b) noexcept {
  return a.e() * b.e() - a.px() * b.px() - a.py() * b.py() - a.pz() * b.pz();
}

}  // namespace rein::kinematics
