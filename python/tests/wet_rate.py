"""A Python port of rein's built-in WET rate of B+ -> K+ nu nubar (the alternative
"wet-b-to-k-nunu": include/rein/physics/b_to_k_nunu.hpp, bsz2015.hpp, constants.hpp; EOS's
convention, Felkl, Li, Schmidt arXiv:2111.04327 eq. 8, BSZ2015 form factors), written from the
formulas of shared/physics/b_to_k_nunu.md, vectorised with numpy: dB/dq2 at an array of q2.
The factors that depend on q2 alone are computed once per array of nodes (rein passes the same
array on every call), so that a call costs a few array operations (docs/python.md, "Speed")."""

import numpy as np

# b_to_k_nunu_constants (EOS defaults, GeV and s)
FERMI_CONSTANT = 1.1663787e-5
ALPHA_E = 1.0 / 133.0
HBAR = 6.58211928e-25
B_LIFETIME = 1.641e-12
B_MASS = 5.27934
K_MASS = 0.493677
V_TB = 0.9991111344469873
V_TS = 0.04121212396309175
B_QUARK_MASS = 4.177
S_QUARK_MASS = 0.081
# bsz2015_constants (the form factors' own masses)
FF_B_MASS, FF_K_MASS = 5.279, 0.492
POLE_PLUS, POLE_ZERO = 5.415, 5.630

Q2_MAX = (B_MASS - K_MASS) ** 2  # the kinematic endpoint: the rate's support is [0, Q2_MAX]
PARAMETERS = ["cvl", "csl", "ctl"] + [f"FFK[{k}]" for k in range(8)]

_T_PLUS = (B_MASS + K_MASS) ** 2
_G = 4.0 * FERMI_CONSTANT * ALPHA_E / (2.0 * np.pi)
_WIDTH_NORM = 3.0 * (_G * _G / 2.0 * (V_TB * V_TS) ** 2) / (4.0 * np.pi * B_MASS) ** 3
_SCALAR_FACTOR = (B_MASS**2 - K_MASS**2) ** 2 / (8.0 * (B_QUARK_MASS - S_QUARK_MASS) ** 2)
_TENSOR_FACTOR = 2.0 / 3.0 / _T_PLUS


def _z(q2):
    t_plus = (FF_B_MASS + FF_K_MASS) ** 2
    t_minus = (FF_B_MASS - FF_K_MASS) ** 2
    t_zero = t_plus * (1.0 - np.sqrt(1.0 - t_minus / t_plus))
    a, b = np.sqrt(t_plus - q2), np.sqrt(t_plus - t_zero)
    return (a - b) / (a + b)


_last = [None, None]  # (q2 bytes, its factors): rein passes the same node array on every call


def _kinematics(q2):
    """The q2-only factors of the rate at every q2, computed once per node array: dz, dz^2, the
    two poles and the weights of the vector, scalar and tensor terms."""
    q2 = np.asarray(q2, dtype=float)
    key = q2.tobytes()
    if _last[0] != key:
        lam = np.maximum(0.0, (_T_PLUS - q2) * (Q2_MAX - q2))
        dz = _z(q2) - _z(0.0)
        norm = B_LIFETIME / HBAR * _WIDTH_NORM * np.sqrt(lam)
        # dB/dq2 = w_v cvl^2 f+^2 + w_s csl^2 f0^2 + w_t ctl^2 fT^2
        _last[:] = key, (dz, dz * dz, 1.0 / (1.0 - q2 / POLE_PLUS**2), 1.0 / (1.0 - q2 / POLE_ZERO**2),
                         norm * lam / 24.0, norm * q2 * _SCALAR_FACTOR, norm * _TENSOR_FACTOR * q2 * lam)
    return _last[1]


def _parts(q2, params):
    dz, dz2, pole_plus, pole_zero, w_v, w_s, w_t = _kinematics(q2)
    a = [params[f"FFK[{k}]"] for k in range(8)]
    f_plus = pole_plus * (a[0] + dz * a[1] + dz2 * a[2])
    f_zero = pole_zero * (a[0] + dz * a[3] + dz2 * a[4])
    f_tensor = pole_plus * (a[5] + dz * a[6] + dz2 * a[7])
    return dz, dz2, pole_plus, pole_zero, f_plus, f_zero, f_tensor, w_v, w_s, w_t


def dbr_dq2_derivative(q2, **params):
    """The derivatives of dbr_dq2 with respect to PARAMETERS: an array (11, len(q2))."""
    dz, dz2, pp, p0, fp, f0, ft, w_v, w_s, w_t = _parts(q2, params)
    cvl, csl, ctl = params["cvl"], params["csl"], params["ctl"]
    g_v, g_s, g_t = 2 * w_v * cvl**2 * fp, 2 * w_s * csl**2 * f0, 2 * w_t * ctl**2 * ft  # d/d f_X
    return np.array([2 * w_v * cvl * fp**2, 2 * w_s * csl * f0**2, 2 * w_t * ctl * ft**2,
                     g_v * pp + g_s * p0, g_v * pp * dz, g_v * pp * dz2, g_s * p0 * dz, g_s * p0 * dz2,
                     g_t * pp, g_t * pp * dz, g_t * pp * dz2])


def dbr_dq2(q2, **params):
    """dB/dq2 [GeV^-2] of B+ -> K+ nu nubar at every q2, for cvl, csl, ctl and FFK[0..7]."""
    _, _, _, _, f_plus, f_zero, f_tensor, w_v, w_s, w_t = _parts(q2, params)
    return w_v * (params["cvl"] * f_plus) ** 2 + w_s * (params["csl"] * f_zero) ** 2 + w_t * (params["ctl"] * f_tensor) ** 2
