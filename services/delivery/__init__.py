"""Delivery service: what the factories' approved plans turn into, delivered.

- domain/     the Delivery aggregate (one per plan: sessions, attendance,
              trainers, facilities, consulting cases, activities completed,
              milestones reached), its rules and the private events
- projections.py  progress per country, factory, activity and milestone,
              the trainer cascade, and the reaction to approved plans
- api.py      the HTTP API under /{country}, with the offline batch
- service.py  wiring (create_service) and `python -m services.delivery`
Published events are contracts in shared/contracts/delivery.py.
"""

from shared.contracts.delivery import CONTEXT  # noqa: F401
