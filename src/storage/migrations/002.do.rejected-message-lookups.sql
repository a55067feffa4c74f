-- Lookups the consumer and the exceptions list make on rejected_messages. Runs on MySQL 8 and MariaDB 10.11.
--
-- message_id: a message redelivered after its rejection was committed (the ack was lost with the
-- connection) is found by its id and body instead of being stored as a second rejection.
-- (reason, received_at): GET /exceptions?reason=...&from=...&to=... reads one reason's time window as a
-- range instead of every row of that reason.
--
-- CREATE INDEX has no IF NOT EXISTS on MySQL 8; ALTER TABLE with both keys is one statement, so a failure
-- leaves neither (and the file can run again).
ALTER TABLE rejected_messages
  ADD KEY ix_rejected_messages_message_id (message_id),
  ADD KEY ix_rejected_messages_reason_received (reason, received_at);
