-- Temporal policies (issue 15), what migration 021 leaves to the core: the formula of every generation (the
-- verdicts of an old generation are listed with its variables), and the alerts a policy's verdicts keep firing.
-- Runs on MySQL 8 and MariaDB 10.11; every statement can run again after a failure half-way.
--
-- policy_generations: one row per (policy, generation), written when the policy is created and when a PUT
-- changes its signature, formula or negate. variables: the JSON array of the verdicts' columns (the free
-- variables in order of first appearance). first_tp: the time point from which this generation answers.
CREATE TABLE IF NOT EXISTS policy_generations (
  policy_id INT UNSIGNED NOT NULL,
  generation INT UNSIGNED NOT NULL,
  signature MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  formula MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  negate BOOLEAN NOT NULL,
  variables TEXT COLLATE utf8mb4_bin NOT NULL,
  first_tp BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (policy_id, generation),
  CONSTRAINT fk_policy_generations_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- The PolicyViolation alerts firing now (the tuples of the last answered time point's verdict), as the JSON
-- array of their label sets: the next answered time point resolves those its verdict no longer contains.
-- Written in the ingest's transaction, under the lock of the policy's policy_monitors row.
CREATE TABLE IF NOT EXISTS policy_alert_states (
  policy_id INT UNSIGNED NOT NULL,
  firing LONGTEXT COLLATE utf8mb4_bin NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (policy_id),
  CONSTRAINT fk_policy_alert_states_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;
