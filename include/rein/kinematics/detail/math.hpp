#pragma once

// Mathematical constants for the kinematics module (M_PI is not standard C++).
namespace rein::kinematics::detail {

inline constexpr double pi = 3.141592653589793238462643383279502884;
inline constexpr double two_pi = 6.283185307179586476925286766559005768;

}  // namespace rein::kinematics::detail
