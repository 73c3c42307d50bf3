"""The message headers an event travels with, named once: the event store
writes them into the outbox and the messaging layer reads them, and neither
imports the other."""

CORRELATION = "X-Correlation-Id"
CAUSATION = "X-Causation-Id"
MSG_ID = "Nats-Msg-Id"  # JetStream's de-duplication header (FastStream's message_id is not it)
