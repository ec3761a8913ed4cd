#pragma once

// A radix-2 complex FFT, enough for autocovariances by zero-padded convolution.
#include "rein/config.hpp"

#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>

namespace rein::bayes::detail {

/// The smallest power of two ≥ n (1 for n = 0).
inline std::size_t next_power_of_two(std::size_t n) {
  std::size_t m = 1;
  while (m < n) m <<= 1;
  return m;
}

/// The twiddle factors e^{−2πik/n}, k < n/2, of a power-of-two length n.
inline std::vector<std::complex<double>> fft_twiddles(std::size_t n) {
  constexpr double two_pi = 6.283185307179586476925286766559005768;
  std::vector<std::complex<double>> w(n / 2);
  for (std::size_t k = 0; k < n / 2; ++k) {
    const double angle = -two_pi * static_cast<double>(k) / static_cast<double>(n);
    w[k] = {std::cos(angle), std::sin(angle)};
  }
  return w;
}

/// In-place iterative Cooley–Tukey FFT of a power-of-two length n: X_k = Σ_j x_j e^{∓2πijk/n}
/// (− forward, + inverse, the inverse without the 1/n), with twiddles from fft_twiddles(n).
inline void fft(std::vector<std::complex<double>>& a, const std::vector<std::complex<double>>& twiddles,
                bool inverse) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {  // bit reversal
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t length = 2; length <= n; length <<= 1) {
    const std::size_t half = length / 2, stride = n / length;
    for (std::size_t start = 0; start < n; start += length)
      for (std::size_t k = 0; k < half; ++k) {
        const std::complex<double> w = inverse ? std::conj(twiddles[k * stride]) : twiddles[k * stride];
        const std::complex<double> u = a[start + k], v = a[start + k + half] * w;
        a[start + k] = u + v;
        a[start + k + half] = u - v;
      }
  }
}

/// The autocovariances γ_k = (1/n) Σ_{t=0}^{n−1−k} (x_t − x̄)(x_{t+k} − x̄), k = 0 … n−1 (ArviZ's
/// `autocov`), by FFT of the series zero-padded to a power of two m ≥ 2n (no wrap-around);
/// `twiddles` may hold fft_twiddles(m) to share among series of one length.
inline std::vector<double> autocovariance(const double* x, std::size_t n,
                                          const std::vector<std::complex<double>>* twiddles = nullptr) {
  std::vector<double> out(n, 0.0);
  if (n == 0) return out;
  double mean = 0;
  for (std::size_t t = 0; t < n; ++t) mean += x[t];
  mean /= static_cast<double>(n);
  const std::size_t m = next_power_of_two(2 * n);
  std::vector<std::complex<double>> a(m, 0.0);
  for (std::size_t t = 0; t < n; ++t) a[t] = x[t] - mean;
  std::vector<std::complex<double>> own;
  if (!twiddles || twiddles->size() != m / 2) {
    own = fft_twiddles(m);
    twiddles = &own;
  }
  fft(a, *twiddles, false);
  for (auto& v : a) v = std::norm(v);
  fft(a, *twiddles, true);
  const double scale = 1.0 / (static_cast<double>(m) * static_cast<double>(n));
  for (std::size_t k = 0; k < n; ++k) out[k] = a[k].real() * scale;
  return out;
}

}  // namespace rein::bayes::detail
