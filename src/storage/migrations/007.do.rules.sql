-- Rule groups and their rules (Prometheus's rule-file model, one set per experiment). Runs on MySQL 8 and
-- MariaDB 10.11; every statement can run again after a failure half-way (DDL commits implicitly).
--
-- A group's rules are replaced together; a rule keeps its id while its (group, position, name) is the
-- same, so that alerts and their history keep pointing at it through edits of its expression or labels.
-- version is bumped on every change: the evaluator reloads a group whose version moved.
-- MEDIUMTEXT: a multi-byte expression or annotation near the request size limit must fit, not fail.

CREATE TABLE IF NOT EXISTS rule_groups (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  interval_ms INT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_rule_groups_experiment_name (experiment_id, name),
  CONSTRAINT fk_rule_groups_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS rules (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  group_id INT UNSIGNED NOT NULL,
  position INT UNSIGNED NOT NULL,
  kind ENUM('alert', 'record') NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  expr MEDIUMTEXT NOT NULL,
  for_ms BIGINT UNSIGNED NOT NULL DEFAULT 0,
  keep_firing_for_ms BIGINT UNSIGNED NOT NULL DEFAULT 0,
  labels MEDIUMTEXT NOT NULL,
  annotations MEDIUMTEXT NOT NULL,
  classifier MEDIUMTEXT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_rules_group_position (group_id, position),
  CONSTRAINT fk_rules_group FOREIGN KEY (group_id) REFERENCES rule_groups (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
