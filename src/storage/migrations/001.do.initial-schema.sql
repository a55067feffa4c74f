-- MyMONIT initial schema. Runs on MySQL 8 and MariaDB 10.11.
--
-- DDL commits implicitly in MySQL, so a file that fails half-way cannot be rolled back: every statement
-- is IF NOT EXISTS, and running the file again after a failure finishes the job.
--
-- Keys that are matched exactly (identity-provider uids, codes, metric names, hashes) use binary
-- collations: "Alice" and "alice" are different uids, and a case-insensitive match would let one log
-- in as the other. Free text uses utf8mb4_unicode_ci, which both servers have.
-- Timestamps are written by the application in UTC (the pool runs with timezone 'Z').

CREATE TABLE IF NOT EXISTS users (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  pseudonym CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_id VARCHAR(64) COLLATE utf8mb4_bin NULL,
  name VARCHAR(255) NULL,
  username VARCHAR(255) COLLATE utf8mb4_bin NULL,
  email VARCHAR(320) NULL,
  role ENUM('ADMIN', 'SCIENTIST') NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  erased_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_pseudonym (pseudonym),
  UNIQUE KEY uq_users_user_id (user_id),
  UNIQUE KEY uq_users_username (username)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS experiments (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  code VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
  name VARCHAR(255) NOT NULL,
  description TEXT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_experiments_code (code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS experiment_users (
  experiment_id INT UNSIGNED NOT NULL,
  user_id INT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (experiment_id, user_id),
  KEY ix_experiment_users_user (user_id),
  CONSTRAINT fk_experiment_users_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE,
  CONSTRAINT fk_experiment_users_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A series is (experiment, metric, source, unit, tags). '' stands for "no source" / "no unit" so that the
-- unique key sees one value. series_key is the sha256 of metric, source, unit and the canonical tags
-- (sorted keys): TEXT cannot sit in a unique key, a fixed-width hash can.
CREATE TABLE IF NOT EXISTS series (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  metric VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
  source VARCHAR(128) COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  unit VARCHAR(32) COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  tags TEXT NOT NULL,
  series_key CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_series_experiment_key (experiment_id, series_key),
  KEY ix_series_experiment_metric (experiment_id, metric, source),
  CONSTRAINT fk_series_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The big table: 24 bytes of payload per row, clustered by (series, time) so that a window of one series
-- is one range scan and a redelivered measure hits the primary key. No foreign key: it would cost a
-- lookup per inserted row, and a later migration partitions this table (partitioned InnoDB tables cannot
-- have foreign keys). ExperimentStore.delete removes measures explicitly.
CREATE TABLE IF NOT EXISTS measures (
  series_id BIGINT UNSIGNED NOT NULL,
  ts_us BIGINT NOT NULL,
  value DOUBLE NOT NULL,
  PRIMARY KEY (series_id, ts_us)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS rejected_messages (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  received_at DATETIME(3) NOT NULL,
  reason VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  detail TEXT NOT NULL,
  message_id VARCHAR(255) NULL,
  routing_key VARCHAR(255) NULL,
  content_type VARCHAR(255) NULL,
  body LONGBLOB NOT NULL,
  body_truncated BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (id),
  KEY ix_rejected_messages_reason (reason, id),
  KEY ix_rejected_messages_received (received_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- actor is a user's pseudonym, never a name: the trail outlives erasure without holding personal data.
CREATE TABLE IF NOT EXISTS audit_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `at` DATETIME(3) NOT NULL,
  actor CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  action VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
  resource_type VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  resource_id VARCHAR(128) COLLATE utf8mb4_bin NULL,
  outcome ENUM('success', 'failure') NOT NULL,
  request_id VARCHAR(128) COLLATE utf8mb4_bin NULL,
  detail TEXT NULL,
  PRIMARY KEY (id),
  KEY ix_audit_events_actor (actor, id),
  KEY ix_audit_events_action (action, id),
  KEY ix_audit_events_resource_type (resource_type, id),
  KEY ix_audit_events_at (`at`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
