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


_last = [None, None, None]  # (q2 bytes, its factors, the array): rein passes the same node array on every call

_FF = [f"FFK[{k}]" for k in range(8)]
_FORM_FACTOR_OF_FF = np.array([0, 0, 0, 1, 1, 2, 2, 2])  # the form factor (f+, f0, fT) FFK[k] is a coefficient of


def _kinematics(q2):
    """The q2-only factors of the rate at every q2, computed once per node array:
    bases (3 form factors f+, f0, fT; 3 powers; len(q2)): pole_X (1, dz, dz^2), so f_X = sum_k a_Xk bases[X, k];
    weights (3, len(q2)): dB/dq2 = sum_X c_X^2 weights_X f_X^2;
    ff_bases (8, len(q2)): the basis FFK[k] multiplies in its form factor (FFK[0] also multiplies
    bases[1, 0] in f0, as f0(0) = f+(0))."""
    if q2 is _last[2] and not q2.flags.writeable:  # rein's read-only node array again: no need to compare its bytes
        return _last[1]
    q2 = np.asarray(q2, dtype=float)
    key = q2.tobytes()
    if _last[0] != key:
        lam = np.maximum(0.0, (_T_PLUS - q2) * (Q2_MAX - q2))
        dz = _z(q2) - _z(0.0)
        powers = np.array([np.ones_like(dz), dz, dz * dz])
        plus, zero = powers / (1.0 - q2 / POLE_PLUS**2), powers / (1.0 - q2 / POLE_ZERO**2)
        norm = B_LIFETIME / HBAR * _WIDTH_NORM * np.sqrt(lam)
        weights = np.array([norm * lam / 24.0, norm * q2 * _SCALAR_FACTOR, norm * _TENSOR_FACTOR * q2 * lam])
        _last[:2] = key, (np.array([plus, zero, plus]), weights, np.concatenate([plus, zero[1:], plus]))
    _last[2] = q2
    return _last[1]


def _per_form_factor(params):
    """One row per form factor X (f+, f0, fT): its coefficients a_X0, a_X1, a_X2, then c_X^2, 2 c_X
    and 2 c_X^2 (c = cvl, csl, ctl). One small array, so that a call makes few NumPy calls:
    each costs about a microsecond whatever its size."""
    a = [params[name] for name in _FF]
    rows = ((a[0], a[1], a[2], params["cvl"]), (a[0], a[3], a[4], params["csl"]), (a[5], a[6], a[7], params["ctl"]))
    return np.array([[a0, a1, a2, c * c, 2 * c, 2 * c * c] for a0, a1, a2, c in rows])


def _terms(q2, params):
    """The q2-only factors (_kinematics), the per-form-factor scalars (_per_form_factor), the weighted
    form factors w_X f_X and the terms w_X f_X^2 at every q2, rows f+, f0, fT."""
    factors = _kinematics(q2)
    bases, weights, _ = factors
    scalars = _per_form_factor(params)
    form_factors = np.einsum("xk,xkn->xn", scalars[:, :3], bases)  # the three at once
    weighted = weights * form_factors
    return factors, scalars, weighted, weighted * form_factors


def dbr_dq2(q2, **params):
    """dB/dq2 [GeV^-2] of B+ -> K+ nu nubar at every q2, for cvl, csl, ctl and FFK[0..7]."""
    _, scalars, _, terms = _terms(q2, params)
    return np.einsum("x,xn->n", scalars[:, 3], terms)  # sum_X c_X^2 w_X f_X^2


def dbr_dq2_derivative(q2, **params):
    """The derivatives of dbr_dq2 with respect to PARAMETERS: an array (11, len(q2))."""
    return dbr_dq2_and_derivative(q2, **params)[1]


def dbr_dq2_and_derivative(q2, **params):
    """(dbr_dq2, dbr_dq2_derivative) from one call (rein.add_alternative(..., derivative=True)):
    the form factors are computed once for both, the derivative's rows written in place."""
    (bases, _, ff_bases), scalars, weighted, terms = _terms(q2, params)
    derivative = np.empty((11, terms.shape[1]))
    np.multiply(scalars[:, 4:5], terms, out=derivative[:3])  # d rate / d c_X = 2 c_X w_X f_X^2
    weighted *= scalars[:, 5:6]  # d rate / d f_X = 2 c_X^2 w_X f_X
    # d rate / d FFK[k] = (d rate / d f_X) basis_k, X the form factor of FFK[k]
    np.multiply(weighted.take(_FORM_FACTOR_OF_FF, axis=0), ff_bases, out=derivative[3:])
    derivative[3] += weighted[1] * bases[1, 0]
    return np.einsum("x,xn->n", scalars[:, 3], terms), derivative
