"""Ctrl-C stops a long toy run: SIGINT during rein.hypotest(toys=...) raises KeyboardInterrupt
within a second instead of after the run (minutes)."""

import os
import signal
import subprocess
import sys
import time

from conftest import BELLE2

SCRIPT = r"""
import sys, time, rein
model = rein.load(sys.argv[1])
print("ready", flush=True)
begin = time.time()
try:
    rein.hypotest(model, 6.0, toys=100000, seed=1, threads=1)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted %.2f" % (time.time() - begin), flush=True)
"""


def test_sigint_interrupts_toys():
    p = subprocess.Popen([sys.executable, "-c", SCRIPT, BELLE2], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert p.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    sent = time.time()
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert out.startswith("interrupted"), out
    # the pool stops at the next progress report (200 ms) once the running toy fits end
    assert time.time() - sent < 10
