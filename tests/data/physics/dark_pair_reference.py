#!/usr/bin/env python3
"""Independent reference for rein's B+ -> K+ chi chibar spectra (include/rein/physics/dark_pair.hpp).

Written from the formulas, not from rein's code: BSZ2015 form factors (arXiv:1503.05534, EOS's
form: pole factor times a quadratic in z - z(0)), the WET pieces of B -> K nu nubar in EOS's
normalisation (Felkl, Li, Schmidt, arXiv:2111.04327 eq. 8), and the threshold factors of
Bobeth, Hiller, Piranishvili, arXiv:0709.4174 eqs. 3.2, 4.2-4.4, 4.8 with one coefficient on:
g_S = beta^3, g_V = beta (3 - beta^2)/2, g_T = beta (3 - 2 beta^2).
Integrals by mpmath's tanh-sinh quadrature at 40 digits (it handles the sqrt edges at q2 = 4 m^2
and at (m_B - m_K)^2 by itself); d/dm of each bin's share by mpmath.diff of the share at 40 digits.

Run: /usr/bin/python3 dark_pair_reference.py > dark_pair_reference.json  (mpmath 1.2.1)
"""
import json
import mpmath as mp

mp.mp.dps = 40

# rein::physics::b_to_k_nunu_constants (EOS defaults, Belle II's quark masses)
G_F, ALPHA_E, HBAR, TAU = mp.mpf('1.1663787e-5'), mp.mpf(1) / 133, mp.mpf('6.58211928e-25'), mp.mpf('1.641e-12')
M_B, M_K = mp.mpf('5.27934'), mp.mpf('0.493677')
V_TB, V_TS = mp.mpf('0.9991111344469873'), mp.mpf('0.04121212396309175')
M_BQ, M_SQ = mp.mpf('4.177'), mp.mpf('0.081')
# rein::physics::bsz2015_constants
FF_MB, FF_MK, POLE_P, POLE_0 = mp.mpf('5.279'), mp.mpf('0.492'), mp.mpf('5.415'), mp.mpf('5.630')
# Belle II's mean of FFK (data/belle2-knunu/reinterpretation_likelihood_wet.json)
ALPHA = [mp.mpf(x) for x in ('0.33797388603090495', '-0.8845431373743229', '-0.1108693958590039',
                             '0.37419909929952944', '0.07873725752378524', '0.32688752467141596',
                             '-0.9624819908742035', '-0.2780351339346012')]

Q2_MAX = (M_B - M_K) ** 2
T_PLUS = (M_B + M_K) ** 2


def z(q2):
    tp, tm = (FF_MB + FF_MK) ** 2, (FF_MB - FF_MK) ** 2
    t0 = tp * (1 - mp.sqrt(1 - tm / tp))
    a, b = mp.sqrt(tp - q2), mp.sqrt(tp - t0)
    return (a - b) / (a + b)


def form_factors(q2):
    dz = z(q2) - z(0)
    fp = (ALPHA[0] + ALPHA[1] * dz + ALPHA[2] * dz ** 2) / (1 - q2 / POLE_P ** 2)
    f0 = (ALPHA[0] + ALPHA[3] * dz + ALPHA[4] * dz ** 2) / (1 - q2 / POLE_0 ** 2)
    ft = (ALPHA[5] + ALPHA[6] * dz + ALPHA[7] * dz ** 2) / (1 - q2 / POLE_P ** 2)
    return fp, f0, ft


def massless(current, q2):
    """dB/dq2 of the WET with that coefficient 1 and the others 0."""
    lam = max(mp.mpf(0), (T_PLUS - q2) * (Q2_MAX - q2))
    g = 4 * G_F * ALPHA_E / (2 * mp.pi)
    norm = 3 * (g * g / 2 * (V_TB * V_TS) ** 2) / (4 * mp.pi * M_B) ** 3 * TAU / HBAR * mp.sqrt(lam)
    fp, f0, ft = form_factors(q2)
    if current == 'vector':
        return norm * lam / 24 * fp ** 2
    if current == 'scalar':
        return norm * q2 * (M_B ** 2 - M_K ** 2) ** 2 / (8 * (M_BQ - M_SQ) ** 2) * f0 ** 2
    return norm * mp.mpf(2) / 3 * q2 * lam / (M_B + M_K) ** 2 * ft ** 2


def threshold_factor(current, q2, m):
    if q2 <= 4 * m * m:
        return mp.mpf(0)
    beta = mp.sqrt(1 - 4 * m * m / q2)
    return {'scalar': beta ** 3, 'vector': beta * (3 - beta ** 2) / 2, 'tensor': beta * (3 - 2 * beta ** 2)}[current]


def integral(current, lo, hi, m):
    lo, hi = max(mp.mpf(lo), 4 * m * m), min(mp.mpf(hi), Q2_MAX)
    if lo >= hi:
        return mp.mpf(0)
    return mp.quad(lambda q2: massless(current, q2) * threshold_factor(current, q2, m), [lo, hi])


EDGES = ['0', '0.22885', '0.4577', '0.68655', '4.1193', '4.34815', '10', '20.5965', '22.656', '22.885', '23']
MASSES = ['0', '0.3', '1.2', '2.3']

out = {'provenance': 'tests/data/physics/dark_pair_reference.py, mpmath ' + mp.__version__ + ', 40 digits',
       'edges': [float(e) for e in EDGES], 'cases': []}
for current in ('scalar', 'vector', 'tensor'):
    for mass in MASSES:
        m = mp.mpf(mass)
        total = integral(current, 0, Q2_MAX, m)
        shares, d_shares = [], []
        for a, b in zip(EDGES[:-1], EDGES[1:]):
            a, b = mp.mpf(a), mp.mpf(b)
            share = lambda mm: integral(current, a, b, mm) / integral(current, 0, Q2_MAX, mm)
            shares.append(float(share(m)))
            d_shares.append(float(mp.diff(share, m)) if m > 0 else None)
        out['cases'].append({'current': current, 'm_chi': float(m), 'total': float(total), 'shares': shares,
                             'd_shares_d_m': d_shares})
print(json.dumps(out, indent=1))
