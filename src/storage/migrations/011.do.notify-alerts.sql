-- The notification stage's alerts (issue 13): MyMONIT's own (converted from the alert_outbox of
-- migration 008) and alerts posted to /alertmanager/api/v2/alerts, one row per fingerprint, merged as
-- Alertmanager's provider merges them (types.Alert.Merge). Runs on MySQL 8 and MariaDB 10.11; every
-- statement can run again after a failure half-way.
--
-- Times are integer milliseconds since the epoch (BIGINT). Labels and annotations are JSON arrays of
-- [name, value] pairs sorted by name, as in migration 008 (JSON objects would reorder or merge
-- user-chosen keys). ends_given is false when the sender gave no endsAt (Alertmanager's Timeout):
-- ends_at_ms is then the receive time plus resolve_timeout. experiment_id is NULL for an alert that names
-- no existing experiment: only an ADMIN sees it. No foreign key: an alert outlives its experiment's rows
-- until it is collected.
--
-- seq orders the changes: every put gives each changed row the next values of the single counter row of
-- notify_alert_seq, taken FOR UPDATE in the put's transaction, so seq order is commit order and a reader
-- following `seq > last` (the dispatcher) never misses a change committed late.
CREATE TABLE IF NOT EXISTS notify_alerts (
  fingerprint CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  labels MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  annotations MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  starts_at_ms BIGINT NOT NULL,
  ends_at_ms BIGINT NOT NULL,
  ends_given BOOLEAN NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  generator_url TEXT COLLATE utf8mb4_bin NOT NULL,
  experiment_id INT UNSIGNED NULL,
  origin ENUM('rule', 'api') NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (fingerprint),
  UNIQUE KEY uq_notify_alerts_seq (seq),
  KEY ix_notify_alerts_ends (ends_at_ms),
  KEY ix_notify_alerts_experiment (experiment_id, ends_at_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS notify_alert_seq (
  id TINYINT UNSIGNED NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB;

INSERT IGNORE INTO notify_alert_seq (id, seq) VALUES (1, 0);
