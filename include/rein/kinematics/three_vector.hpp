#pragma once

// Cartesian three-vectors (momenta, velocities, rotation axes).
#include "rein/config.hpp"

#include <cmath>

namespace rein::kinematics {

/// A Cartesian three-vector of doubles (GeV for momenta, units of c for velocities).
class three_vector {
 public:
  constexpr three_vector() noexcept = default;
  constexpr three_vector(double x, double y, double z) noexcept : m_x(x), m_y(y), m_z(z) {}

  [[nodiscard]] constexpr double x() const noexcept { return m_x; }
  [[nodiscard]] constexpr double y() const noexcept { return m_y; }
  [[nodiscard]] constexpr double z() const noexcept { return m_z; }

  /// |v|².
  [[nodiscard]] constexpr double norm2() const noexcept { return m_x * m_x + m_y * m_y + m_z * m_z; }
  /// |v|.
  [[nodiscard]] double norm() const noexcept { return std::sqrt(norm2()); }
  /// Transverse component √(x² + y²).
  [[nodiscard]] double perp() const noexcept { return std::hypot(m_x, m_y); }
  /// Polar angle to +z in [0, π] (0 for the null vector).
  [[nodiscard]] double theta() const noexcept { return std::atan2(perp(), m_z); }
  /// Azimuth in (−π, π] (0 for a vector along z).
  [[nodiscard]] double phi() const noexcept { return std::atan2(m_y, m_x); }
  /// Whether all three components are finite.
  [[nodiscard]] bool is_finite() const noexcept {
    return std::isfinite(m_x) && std::isfinite(m_y) && std::isfinite(m_z);
  }

  constexpr three_vector& operator+=(const three_vector& o) noexcept {
    m_x += o.m_x;
    m_y += o.m_y;
    m_z += o.m_z;
    return *this;
  }
  constexpr three_vector& operator-=(const three_vector& o) noexcept {
    m_x -= o.m_x;
    m_y -= o.m_y;
    m_z -= o.m_z;
    return *this;
  }
  constexpr three_vector& operator*=(double c) noexcept {
    m_x *= c;
    m_y *= c;
    m_z *= c;
    return *this;
  }

  friend constexpr three_vector operator+(three_vector a, const three_vector& b) noexcept { return a += b; }
  friend constexpr three_vector operator-(three_vector a, const three_vector& b) noexcept { return a -= b; }
  friend constexpr three_vector operator-(const three_vector& a) noexcept { return {-a.m_x, -a.m_y, -a.m_z}; }
  friend constexpr three_vector operator*(three_vector a, double c) noexcept { return a *= c; }
  friend constexpr three_vector operator*(double c, three_vector a) noexcept { return a *= c; }
  friend constexpr bool operator==(const three_vector& a, const three_vector& b) noexcept {
    return a.m_x == b.m_x && a.m_y == b.m_y && a.m_z == b.m_z;
  }
  friend constexpr bool operator!=(const three_vector& a, const three_vector& b) noexcept { return !(a == b); }

 private:
  double m_x = 0.0;
  double m_y = 0.0;
  double m_z = 0.0;
};

/// Scalar product a·b.
[[nodiscard]] inline constexpr double dot(const three_vector& a, const three_vector& b) noexcept {
  return a.x() * b.x() + a.y() * b.y() + a.z() * b.z();
}

/// Vector product a × b.
[[nodiscard]] inline constexpr three_vector cross(const three_vector& a, const three_vector& b) noexcept {
  return {a.y() * b.z() - a.z() * b.y(), a.z() * b.x() - a.x() * b.z(), a.x() * b.y() - a.y() * b.x()};
}

}  // namespace rein::kinematics
