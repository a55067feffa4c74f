-- Every delivery attempt of every notification (issue 13): what Alertmanager does not keep
-- (prometheus/alertmanager#1976, #2223). Runs on MySQL 8 and MariaDB 10.11; every statement can run
-- again after a failure half-way. Times are milliseconds since the epoch (BIGINT), like the alerting
-- tables. `detail` never holds an address, a URL or a credential (the integrations leave them out).
CREATE TABLE IF NOT EXISTS notification_attempts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  receiver VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  integration ENUM('webhook', 'email', 'amqp', 'ticket') NOT NULL,
  integration_index INT UNSIGNED NOT NULL,
  group_key TEXT COLLATE utf8mb4_bin NOT NULL,
  attempt INT UNSIGNED NOT NULL,
  status ENUM('sent', 'failed', 'retrying') NOT NULL,
  detail VARCHAR(1000) NOT NULL,
  firing INT UNSIGNED NOT NULL,
  resolved INT UNSIGNED NOT NULL,
  at_ms BIGINT NOT NULL,
  duration_ms INT UNSIGNED NOT NULL,
  PRIMARY KEY (id),
  KEY ix_notification_attempts_receiver (receiver, id),
  KEY ix_notification_attempts_status (status, id),
  KEY ix_notification_attempts_at (at_ms, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The experiments of an attempt's alerts (none: an ADMIN-only row), for the SCIENTIST's scope.
CREATE TABLE IF NOT EXISTS notification_attempt_experiments (
  attempt_id BIGINT UNSIGNED NOT NULL,
  experiment_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (attempt_id, experiment_id),
  KEY ix_notification_attempt_experiments (experiment_id, attempt_id),
  CONSTRAINT fk_notification_attempt_experiments FOREIGN KEY (attempt_id) REFERENCES notification_attempts (id) ON DELETE CASCADE
) ENGINE = InnoDB;
