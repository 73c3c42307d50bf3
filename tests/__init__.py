"""The test suite."""

import os

# The suite's heavy callers (fuzz runs, also `make fuzz`'s python -m tests.fuzz.run, stacks, sizes)
# measure the services, not their throttle: every service started by anything under tests/, in this
# process or as a process (which inherits the environment), gets rate limits far above what any
# test sends. The tests of the limits set their own (tests/kernel/test_rate_limits.py).
os.environ.setdefault("WECARE_RATE_LIMIT_TOKEN", "1000000/minute")
os.environ.setdefault("WECARE_RATE_LIMIT_ADDRESS", "1000000/minute")
