-- Checks, schedules, hosts and services (issue 14, Prophasis's model), and the results of checks.
-- Runs on MySQL 8 and MariaDB 10.11; every statement can run again after a failure half-way.
--
-- Everything belongs to one experiment (ADR 0008): a SCIENTIST reads what belongs to the experiments they
-- are associated with, and a check's results are measures of its experiment. References between rows of
-- different experiments are refused by the service layer (400 naming the field).
-- Times are integer milliseconds since the epoch (BIGINT), as in the alerting tables.
-- Parameters are JSON objects as text (validated per check kind at the edge; keys are never used as
-- JavaScript object properties after parsing: see src/checks/params.ts).

CREATE TABLE IF NOT EXISTS hosts (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  -- What built-in checks connect to (host name or IP literal).
  address VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  -- The agent (by the name it announces) that runs plugin checks for this host; NULL: none.
  agent VARCHAR(255) COLLATE utf8mb4_bin NULL,
  description VARCHAR(1000) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_hosts_experiment_name (experiment_id, name),
  CONSTRAINT fk_hosts_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS host_groups (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  description VARCHAR(1000) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_host_groups_experiment_name (experiment_id, name),
  CONSTRAINT fk_host_groups_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A host group holds hosts (flat: Prophasis's groups may nest; MyMONIT's do not, see ADR 0008).
CREATE TABLE IF NOT EXISTS host_group_members (
  group_id INT UNSIGNED NOT NULL,
  host_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (group_id, host_id),
  KEY ix_host_group_members_host (host_id),
  CONSTRAINT fk_host_group_members_group FOREIGN KEY (group_id) REFERENCES host_groups (id) ON DELETE CASCADE,
  CONSTRAINT fk_host_group_members_host FOREIGN KEY (host_id) REFERENCES hosts (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- A check: a kind (built-in: http, tcp, dns, tls, probe; `plugin`: run by the host's agent; `mesh`: run by
-- every agent of a host group against every other), its parameters, and how its results are classified.
-- name is the metric of its results' measures.
CREATE TABLE IF NOT EXISTS checks (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  kind ENUM('http', 'tcp', 'dns', 'tls', 'probe', 'plugin', 'mesh') NOT NULL,
  params MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  -- plugin checks: the plugin's name (plugins table, migration 017); NULL otherwise.
  plugin VARCHAR(255) COLLATE utf8mb4_bin NULL,
  timeout_ms INT UNSIGNED NOT NULL,
  -- The alerting stage's classifier (thresholds or Lua), as rules store it (src/alerting/rules/classifier-codec.ts);
  -- NULL: ok when the check succeeded, critical when it failed.
  classifier MEDIUMTEXT COLLATE utf8mb4_bin NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_checks_experiment_name (experiment_id, name),
  CONSTRAINT fk_checks_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Where a check runs: on hosts, and on every member of host groups.
CREATE TABLE IF NOT EXISTS check_hosts (
  check_id INT UNSIGNED NOT NULL,
  host_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (check_id, host_id),
  KEY ix_check_hosts_host (host_id),
  CONSTRAINT fk_check_hosts_check FOREIGN KEY (check_id) REFERENCES checks (id) ON DELETE CASCADE,
  CONSTRAINT fk_check_hosts_host FOREIGN KEY (host_id) REFERENCES hosts (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS check_host_groups (
  check_id INT UNSIGNED NOT NULL,
  group_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (check_id, group_id),
  KEY ix_check_host_groups_group (group_id),
  CONSTRAINT fk_check_host_groups_check FOREIGN KEY (check_id) REFERENCES checks (id) ON DELETE CASCADE,
  CONSTRAINT fk_check_host_groups_group FOREIGN KEY (group_id) REFERENCES host_groups (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- A schedule runs its checks at every slot of each of its intervals (start + k * period), a slot being late
-- at most max_lateness_ms (beyond: recorded as missed).
CREATE TABLE IF NOT EXISTS schedules (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  max_lateness_ms INT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_schedules_experiment_name (experiment_id, name),
  CONSTRAINT fk_schedules_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- execute_next_ms: Prophasis's execute_next, the next slot not yet taken (NULL: never run, walked from start).
-- Owned by the scheduler (claims in migration 016).
CREATE TABLE IF NOT EXISTS schedule_intervals (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  schedule_id INT UNSIGNED NOT NULL,
  start_ms BIGINT NOT NULL,
  period_ms BIGINT UNSIGNED NOT NULL,
  execute_next_ms BIGINT NULL,
  PRIMARY KEY (id),
  KEY ix_schedule_intervals_schedule (schedule_id),
  KEY ix_schedule_intervals_next (execute_next_ms),
  CONSTRAINT fk_schedule_intervals_schedule FOREIGN KEY (schedule_id) REFERENCES schedules (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS schedule_checks (
  schedule_id INT UNSIGNED NOT NULL,
  check_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (schedule_id, check_id),
  KEY ix_schedule_checks_check (check_id),
  CONSTRAINT fk_schedule_checks_schedule FOREIGN KEY (schedule_id) REFERENCES schedules (id) ON DELETE CASCADE,
  CONSTRAINT fk_schedule_checks_check FOREIGN KEY (check_id) REFERENCES checks (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS services (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  description VARCHAR(1000) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_services_experiment_name (experiment_id, name),
  CONSTRAINT fk_services_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A service depends on hosts (each must be healthy) ...
CREATE TABLE IF NOT EXISTS service_dependencies (
  service_id INT UNSIGNED NOT NULL,
  host_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (service_id, host_id),
  KEY ix_service_dependencies_host (host_id),
  CONSTRAINT fk_service_dependencies_service FOREIGN KEY (service_id) REFERENCES services (id) ON DELETE CASCADE,
  CONSTRAINT fk_service_dependencies_host FOREIGN KEY (host_id) REFERENCES hosts (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- ... and on redundancy groups (one healthy member suffices), whose members are hosts or host groups
-- (a host group member stands for each of its hosts).
CREATE TABLE IF NOT EXISTS redundancy_groups (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  service_id INT UNSIGNED NOT NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_redundancy_groups_service_name (service_id, name),
  CONSTRAINT fk_redundancy_groups_service FOREIGN KEY (service_id) REFERENCES services (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS redundancy_group_members (
  redundancy_group_id INT UNSIGNED NOT NULL,
  host_id INT UNSIGNED NULL,
  host_group_id INT UNSIGNED NULL,
  member_key VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (redundancy_group_id, member_key),
  CONSTRAINT fk_redundancy_group_members_group FOREIGN KEY (redundancy_group_id) REFERENCES redundancy_groups (id) ON DELETE CASCADE,
  CONSTRAINT fk_redundancy_group_members_host FOREIGN KEY (host_id) REFERENCES hosts (id) ON DELETE CASCADE,
  CONSTRAINT fk_redundancy_group_members_host_group FOREIGN KEY (host_group_id) REFERENCES host_groups (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- One row per (check, host, slot): the unique key makes a slot's result impossible to store twice, whatever
-- happens to the scheduler's leases. outcome: how the run ended; value and message: what the check (or
-- plugin) returned; severity: its classification (Prophasis's contract, over the last values and messages).
-- `missed`: the slot was not started within the schedule's maximum lateness (value NULL, severity unknown).
-- details: JSON (a probe's steps, a mesh check's row), or NULL.
CREATE TABLE IF NOT EXISTS check_results (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  check_id INT UNSIGNED NOT NULL,
  host_id INT UNSIGNED NOT NULL,
  experiment_id INT UNSIGNED NOT NULL,
  slot_ms BIGINT NOT NULL,
  started_at_ms BIGINT NULL,
  duration_ms DOUBLE NULL,
  outcome ENUM('ok', 'failed', 'timeout', 'error', 'missed') NOT NULL,
  value DOUBLE NULL,
  message VARCHAR(2000) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  severity ENUM('ok', 'minor', 'major', 'critical', 'unknown') NOT NULL,
  reason VARCHAR(1000) COLLATE utf8mb4_unicode_ci NULL,
  details MEDIUMTEXT COLLATE utf8mb4_bin NULL,
  fencing_token BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_check_results_slot (check_id, host_id, slot_ms),
  KEY ix_check_results_latest (check_id, host_id, id),
  KEY ix_check_results_host (host_id, id),
  KEY ix_check_results_experiment (experiment_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
