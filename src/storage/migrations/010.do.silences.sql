-- Silences of the notification stage (issue 13), Alertmanager's silencepb.Silence plus MyMONIT's
-- until_resolved. Runs on MySQL 8 and MariaDB 10.11; every statement can run again after a failure half-way.
--
-- Times are integer milliseconds since the epoch (BIGINT), as the notification stage counts them. Matchers
-- are a JSON array of [name, type, value] in the order given (Alertmanager keeps the order; a user-chosen
-- name is never an object key). experiment_id: the experiment of an `experiment="CODE"` equality matcher,
-- which decides who sees the silence (NULL: ADMIN only). No foreign key: a silence outlives its experiment.
CREATE TABLE IF NOT EXISTS silences (
  id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  matchers MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  starts_at_ms BIGINT NOT NULL,
  ends_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  created_by MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  comment MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  until_resolved TINYINT(1) NOT NULL DEFAULT 0,
  -- until_resolved: the last time the silence was seen muting a firing alert (NULL: never yet).
  muted_at_ms BIGINT NULL,
  experiment_id INT UNSIGNED NULL,
  -- silence_changes.version when the row last changed.
  version BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id),
  KEY ix_silences_ends (ends_at_ms),
  KEY ix_silences_experiment (experiment_id, ends_at_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row: the version of the silences, incremented by every change (SilenceStore.version), so that
-- readers (the dispatcher, GET alerts) recompile their silences only when something changed. Taking it
-- under the row lock also orders the writers.
CREATE TABLE IF NOT EXISTS silence_changes (
  id TINYINT UNSIGNED NOT NULL,
  version BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB;

INSERT IGNORE INTO silence_changes (id, version) VALUES (1, 0);
