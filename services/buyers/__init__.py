"""Buyers service: what brands' compliance and ESG systems receive about
their own programmes, built from the other four services' published events.

- projections.py  programmes, factories and facts learnt over NATS; the feed
                  (a log with positions, the buyers' cursors) and the
                  portfolio rows with the buyers' figures
- webhooks.py     endpoints, Standard Webhooks signing, the dispatcher
                  (retries with backoff, order per factory, parking)
- exports.py      the portfolio as CSV and XLSX, streamed
- api.py          /buyers/{buyer}/feed, /webhooks, /portfolio, /exports;
                  /feed/schemas; /ops/webhooks
The records' contracts are in shared/contracts/feed.py, the figures'
names in shared/contracts/figures.py.
"""

CONTEXT = "buyers"
