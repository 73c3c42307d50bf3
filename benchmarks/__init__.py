"""Benchmarks measure the services, not their rate limits: every service a benchmark
starts (in-process, or as a process inheriting this environment) gets limits far above
what it sends; the limiter's own cost stays in the figures."""

import os

os.environ.setdefault("WECARE_RATE_LIMIT_TOKEN", "100000000/minute")
os.environ.setdefault("WECARE_RATE_LIMIT_ADDRESS", "100000000/minute")
