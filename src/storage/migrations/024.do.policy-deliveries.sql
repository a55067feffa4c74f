-- Policy events over AMQP (issue 15): the deliveries already ingested, by message id. The ingest inserts the
-- message's id in the transaction of its time points; a redelivery (the consumer died after the commit, before
-- the ack) finds it and changes nothing. Runs on MySQL 8 and MariaDB 10.11; can run again after a failure.
CREATE TABLE IF NOT EXISTS policy_deliveries (
  policy_id INT UNSIGNED NOT NULL,
  message_id VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  received_at DATETIME(3) NOT NULL,
  PRIMARY KEY (policy_id, message_id),
  CONSTRAINT fk_policy_deliveries_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;
