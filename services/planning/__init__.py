"""Planning service: programmes a buyer sponsors and each factory's action
plan, chosen from the WeCare service menu with its credits.

- domain/     aggregates (Programme, Plan), the plan rules, the suggestion
              (optimal within the rules, explained) and the price tiers
- projections.py  read models per country, and the reaction that drafts a
              plan when an assessment completes
- api.py      the HTTP API under /{country}
- service.py  wiring (create_service) and `python -m services.planning`
Events are contracts in shared/contracts/planning.py.
"""

from shared.contracts.planning import CONTEXT  # noqa: F401
