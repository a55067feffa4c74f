-- The current health of hosts and services (issue 14, Prophasis's "Determining the health"), kept by the
-- health monitor (src/services/health/). Health changes themselves go into the alert history
-- (alert_transitions and alert_outbox, migration 008) as alerts of rule 0, group 0: ADR 0009.
-- Runs on MySQL 8 and MariaDB 10.11; every statement can run again after a failure half-way.
--
-- One row per subject (a host or a service). The monitor recomputes a subject inside a transaction that
-- first locks its row (SELECT ... FOR UPDATE), so two processes recomputing the same subject take turns and
-- the second finds the first's state: a change is written once.
--
-- No foreign keys to hosts or services: a row outlives its subject so that the alert it fired can still be
-- resolved (with the labels stored here) after the host or service is deleted; the sweep then deletes it.
--
-- state: table 3.1, least severe first. explanation: the HealthExplanation tree as JSON. since_ms: when the
-- subject entered this state. alert_labels: the labels of the alert firing for the subject (a JSON array of
-- [name, value] pairs, as alert_transitions.labels) and alert_state the state it fired for, NULL while none
-- fires. version: incremented at every change, the fencing_token of the transitions it writes.
CREATE TABLE IF NOT EXISTS health_states (
  subject_kind ENUM('host', 'service') NOT NULL,
  subject_id INT UNSIGNED NOT NULL,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  state ENUM('no_data', 'ok', 'unknown', 'degraded', 'minor', 'major', 'critical') NOT NULL,
  explanation MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  since_ms BIGINT NOT NULL,
  computed_ms BIGINT NOT NULL,
  alert_labels TEXT COLLATE utf8mb4_bin NULL,
  alert_state ENUM('no_data', 'ok', 'unknown', 'degraded', 'minor', 'major', 'critical') NULL,
  version BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (subject_kind, subject_id),
  KEY ix_health_states_experiment (experiment_id, subject_kind)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
