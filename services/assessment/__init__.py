"""Assessment service: supplier factories and the one-day on-site needs
assessment that opens every WeCare cycle.

- domain/     aggregates (Factory, Assessment), events, the checklist, the
              survey instrument and the needs profile rules
- commands.py one class per state change (RegisterFactory, RecordSurveyResponses...)
- handlers.py one function per command: the only code that loads and saves aggregates
- reactions.py policies on other services' events (none yet)
- projections.py  read models per country
- api.py      the HTTP API under /{country}: parse, build the command, answer
- service.py  wiring (create_service) and `python -m services.assessment`
"""

from shared.contracts.assessment import CONTEXT  # noqa: E402,F401  (the contracts name the context)
