"""Evaluation service: the end of a factory's WeCare cycle. Impact against the
baseline, the sustainability plan, the communications package with consent,
the programme journey and the reports.

- domain/     aggregates (Evaluation per plan, Asset, Person), the impact
              rules, the private consent event
- commands.py one class per state change (RecordEndline, AddAsset, ForgetPerson...)
- handlers.py one function per command: the only code that loads and saves
              aggregates, through the unit of work that decides access
- projections.py  what it learns from assessment, planning and delivery,
              its own results, assets within consent, the journey
- impact.py   aggregation across factories: sums of the counts
              shared.disclosure releases, none under 5 people
- reports.py  factory and buyer-portfolio reports: HTML with charts, PDF,
              CSV and JSON, each figure traced to its events
- api.py      the HTTP API under /{country}, and /buyers/{buyer}/...: parses,
              builds the command, answers; the queries
Published events are contracts in shared/contracts/evaluation.py.
"""

from shared.contracts.evaluation import CONTEXT  # noqa: F401
