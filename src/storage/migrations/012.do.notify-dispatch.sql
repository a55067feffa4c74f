-- The notification stage's dispatcher (issue 13): aggregation groups, their alerts, the notification log
-- (Alertmanager's nflog) and the ingest cursor. Runs on MySQL 8 and MariaDB 10.11; every statement can
-- run again after a failure half-way. Times the dispatcher decides are integer ms since the epoch; lease
-- expiry is judged on the database's clock (NOW(3)), as the rule group leases (008).

-- One row: how far the dispatcher has followed the notify alerts' changes (NotifyAlertStore seq) and which
-- configuration version the groups were built for. Whoever locks it ingests; the others skip.
CREATE TABLE IF NOT EXISTS notify_dispatch_cursor (
  id TINYINT UNSIGNED NOT NULL,
  alert_seq BIGINT NOT NULL,
  config_version BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB;

INSERT IGNORE INTO notify_dispatch_cursor (id, alert_seq, config_version) VALUES (1, 0, 0);

-- One aggregation group per (route, group labels). group_hash is SHA-256 of route id and group key (both
-- may be long). A flush is claimed by taking the lease: each take increments fencing_token, and a flush
-- commits (schedule, resolved alerts leaving the group) only while its token is still the row's.
CREATE TABLE IF NOT EXISTS notify_groups (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  group_hash BINARY(32) NOT NULL,
  route_id TEXT COLLATE utf8mb4_bin NOT NULL,
  group_key TEXT COLLATE utf8mb4_bin NOT NULL,
  receiver VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  labels TEXT COLLATE utf8mb4_bin NOT NULL,
  config_version BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  next_flush_at_ms BIGINT NOT NULL,
  has_flushed TINYINT(1) NOT NULL,
  last_flush_at_ms BIGINT NULL,
  lease_holder VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  lease_expires_at DATETIME(3) NOT NULL,
  fencing_token BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_notify_groups_hash (group_hash),
  KEY ix_notify_groups_due (config_version, next_flush_at_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The group's own copy of each of its alerts (Alertmanager's aggrGroup store): JSON of the alert as last
-- ingested. A resolved alert leaves once a flush sent it, unless it changed meanwhile (updated_at_ms).
CREATE TABLE IF NOT EXISTS notify_group_alerts (
  group_id BIGINT UNSIGNED NOT NULL,
  fingerprint CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  alert MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (group_id, fingerprint),
  CONSTRAINT fk_notify_group_alerts_group FOREIGN KEY (group_id) REFERENCES notify_groups (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Alertmanager's notification log: per group key and integration of a receiver, the fingerprints of the
-- firing and resolved alerts it was last sent, and when. Written as soon as the integration confirmed;
-- a row is only replaced by a newer one. Entries expire (retention, 120 h by default).
CREATE TABLE IF NOT EXISTS notification_log (
  group_key_hash BINARY(32) NOT NULL,
  receiver VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  integration ENUM('webhook', 'email', 'amqp', 'ticket') NOT NULL,
  integration_index SMALLINT UNSIGNED NOT NULL,
  group_key TEXT COLLATE utf8mb4_bin NOT NULL,
  firing MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resolved MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  sent_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  fencing_token BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (group_key_hash, receiver, integration, integration_index),
  KEY ix_notification_log_expires (expires_at_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
