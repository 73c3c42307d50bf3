"""NATS JetStream: the broker connection, streams, the outbox relay and the
projection consumers."""
