"""Delivery service: what the factories' approved plans turn into, delivered.

- domain/     the Delivery aggregate (one per plan: sessions, attendance,
              trainers, facilities, consulting cases, activities completed,
              milestones reached), its rules and the private events
- commands.py one class per state change (ScheduleSession, RecordAttendance, ...)
- handlers.py one function per command: the only code that loads and saves
              the aggregate
- reactions.py  the policy on approved plans (ReceiveWorkPlan)
- projections.py  progress per country, factory, activity and milestone,
              the trainer cascade (read models only)
- api.py      the HTTP API under /{country}, with the offline batch
- service.py  wiring (create_service) and `python -m services.delivery`
Published events are contracts in shared/contracts/delivery.py.
"""

from shared.contracts.delivery import CONTEXT  # noqa: F401
