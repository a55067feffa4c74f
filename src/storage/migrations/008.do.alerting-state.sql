-- Alert state, its history, the notification outbox and the evaluators' leases (issue 12). Runs on
-- MySQL 8 and MariaDB 10.11; every statement can run again after a failure half-way.
--
-- Times the evaluator decides (evaluation times, activeAt, firedAt...) are PromQL's: integer
-- milliseconds since the epoch, BIGINT. Values are text ('NaN', '+Inf', '-Inf' or a number): PromQL
-- values may be NaN or infinite, which DOUBLE cannot hold. Labels are a JSON array of [name, value]
-- pairs sorted by name (JSON objects would reorder or merge user-chosen keys). No foreign keys to the
-- rules tables: states and history outlive a deleted rule (the history is the point).

-- One lease per rule group: the process holding an unexpired lease evaluates the group. Each take by a
-- new holder (or after expiry) increments fencing_token; an evaluation commits only while the token it
-- took is still the row's (checked under FOR UPDATE in the evaluation's transaction). last_eval_ms is
-- the last committed evaluation time: an evaluation at or before it is refused.
CREATE TABLE IF NOT EXISTS rule_group_leases (
  group_id BIGINT UNSIGNED NOT NULL,
  holder VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  fencing_token BIGINT UNSIGNED NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  last_eval_ms BIGINT NULL,
  last_duration_ms DOUBLE NULL,
  PRIMARY KEY (group_id)
) ENGINE = InnoDB;

-- The current state of every alert (rule, label set): pending and firing alerts, and inactive elements
-- that are present (classified ok) whose value history the classifier needs.
CREATE TABLE IF NOT EXISTS alert_states (
  rule_id BIGINT UNSIGNED NOT NULL,
  fingerprint CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  group_id BIGINT UNSIGNED NOT NULL,
  experiment_id INT UNSIGNED NOT NULL,
  alertname VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  labels TEXT COLLATE utf8mb4_bin NOT NULL,
  state ENUM('inactive', 'pending', 'firing') NOT NULL,
  severity ENUM('ok', 'minor', 'major', 'critical', 'unknown') NOT NULL,
  reason VARCHAR(1000) NULL,
  value VARCHAR(32) CHARACTER SET ascii NOT NULL,
  active_at_ms BIGINT NULL,
  fired_at_ms BIGINT NULL,
  resolved_at_ms BIGINT NULL,
  keep_firing_since_ms BIGINT NULL,
  last_eval_ms BIGINT NOT NULL,
  value_history TEXT CHARACTER SET ascii NOT NULL,
  PRIMARY KEY (rule_id, fingerprint),
  KEY ix_alert_states_group (group_id),
  KEY ix_alert_states_experiment (experiment_id, state)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every transition, in commit order (id). The unique key makes a transition impossible to store twice
-- for one alert at one evaluation time, whatever happens to the leases.
CREATE TABLE IF NOT EXISTS alert_transitions (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  rule_id BIGINT UNSIGNED NOT NULL,
  group_id BIGINT UNSIGNED NOT NULL,
  experiment_id INT UNSIGNED NOT NULL,
  fingerprint CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  alertname VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  labels TEXT COLLATE utf8mb4_bin NOT NULL,
  from_state ENUM('inactive', 'pending', 'firing') NOT NULL,
  to_state ENUM('pending', 'firing', 'resolved', 'inactive') NOT NULL,
  severity ENUM('ok', 'minor', 'major', 'critical', 'unknown') NOT NULL,
  reason VARCHAR(1000) NULL,
  value VARCHAR(32) CHARACTER SET ascii NOT NULL,
  at_ms BIGINT NOT NULL,
  fencing_token BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alert_transitions_once (rule_id, fingerprint, at_ms),
  KEY ix_alert_transitions_experiment (experiment_id, id),
  KEY ix_alert_transitions_at (at_ms, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- What the notification stage reads: one row per transition, written in the same transaction.
-- consumed_at stays NULL until that stage has handled it.
CREATE TABLE IF NOT EXISTS alert_outbox (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  transition_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  consumed_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alert_outbox_transition (transition_id),
  KEY ix_alert_outbox_pending (consumed_at, id),
  CONSTRAINT fk_alert_outbox_transition FOREIGN KEY (transition_id) REFERENCES alert_transitions (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- The last evaluation of each rule, for /prometheus/api/v1/rules: health, error, duration.
CREATE TABLE IF NOT EXISTS rule_evaluations (
  rule_id BIGINT UNSIGNED NOT NULL,
  group_id BIGINT UNSIGNED NOT NULL,
  health ENUM('ok', 'err') NOT NULL,
  last_error VARCHAR(2000) NULL,
  last_eval_ms BIGINT NOT NULL,
  duration_ms DOUBLE NOT NULL,
  PRIMARY KEY (rule_id),
  KEY ix_rule_evaluations_group (group_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
