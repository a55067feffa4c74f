-- Temporal policies (issue 15): MFOTL policies, the events they were fed, the monitor's progress and state,
-- and the verdicts. Runs on MySQL 8 and MariaDB 10.11; every statement can run again after a failure half-way.
--
-- The invariant (issue 15, "Consistency with the database"): for each time point, its row in
-- policy_time_points, its events, the monitor row (progress marker, state) and the verdicts that became final
-- are committed in one transaction. An event is stored iff the monitor processed it.
--
-- policies: one per (experiment, name). generation is incremented when the signature, formula or negate
-- changes (PUT): the monitor of the new generation starts from the events inside its relative interval and
-- its verdicts are kept apart from the old generation's.
CREATE TABLE IF NOT EXISTS policies (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  experiment_id INT UNSIGNED NOT NULL,
  name VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
  signature MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  formula MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  negate BOOLEAN NOT NULL DEFAULT FALSE,
  generation INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_policies_name (experiment_id, name),
  CONSTRAINT fk_policies_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every time point the policy was fed, empty ones included (MFOTL counts time points, not timestamps).
-- tp is the time point's index in the policy's trace, from 0, across generations.
CREATE TABLE IF NOT EXISTS policy_time_points (
  policy_id INT UNSIGNED NOT NULL,
  tp BIGINT UNSIGNED NOT NULL,
  ts BIGINT UNSIGNED NOT NULL,
  event_count INT UNSIGNED NOT NULL,
  received_at DATETIME(3) NOT NULL,
  PRIMARY KEY (policy_id, tp),
  KEY ix_policy_time_points_ts (policy_id, ts, tp),
  CONSTRAINT fk_policy_time_points_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- The events: args is the JSON array of the arguments (numbers and strings as the signature types them).
-- The primary key leads with (policy_id, pred, ts): loading a predicate's events inside a relative interval is
-- one range scan per predicate (issue 15, "Policy change").
CREATE TABLE IF NOT EXISTS policy_events (
  policy_id INT UNSIGNED NOT NULL,
  pred VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
  ts BIGINT UNSIGNED NOT NULL,
  tp BIGINT UNSIGNED NOT NULL,
  seq INT UNSIGNED NOT NULL,
  args MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (policy_id, pred, ts, tp, seq),
  KEY ix_policy_events_tp (policy_id, tp),
  CONSTRAINT fk_policy_events_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- The monitor of a policy: one row, locked (SELECT ... FOR UPDATE) by the transaction that feeds time points.
-- next_tp is the progress marker (the time points processed), fencing is incremented by every commit and
-- checked by the UPDATE that writes the row (a writer whose token is stale changes nothing and rolls back).
-- snapshot is the engine's MonitorSnapshot as JSON (bounded by the policy's windows; unbounded past operators
-- keep a summary, not the events). first_tp is where the current generation's monitor started.
-- holder and lease_expires: which process runs the monitor, on the database's clock.
CREATE TABLE IF NOT EXISTS policy_monitors (
  policy_id INT UNSIGNED NOT NULL,
  generation INT UNSIGNED NOT NULL,
  first_tp BIGINT UNSIGNED NOT NULL DEFAULT 0,
  next_tp BIGINT UNSIGNED NOT NULL DEFAULT 0,
  last_ts BIGINT UNSIGNED NULL,
  ended BOOLEAN NOT NULL DEFAULT FALSE,
  snapshot LONGTEXT COLLATE utf8mb4_bin NULL,
  fencing BIGINT UNSIGNED NOT NULL DEFAULT 0,
  holder VARCHAR(128) COLLATE utf8mb4_bin NULL,
  lease_expires DATETIME(3) NULL,
  replayed_events BIGINT UNSIGNED NULL,
  stored_events BIGINT UNSIGNED NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (policy_id),
  CONSTRAINT fk_policy_monitors_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- The verdicts (satisfying time points) of each generation, in time point order. tuples: JSON array of the
-- satisfying tuples (sorted as MonPoly prints them); line: MonPoly's verdict line, exactly.
CREATE TABLE IF NOT EXISTS policy_verdicts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  policy_id INT UNSIGNED NOT NULL,
  generation INT UNSIGNED NOT NULL,
  tp BIGINT UNSIGNED NOT NULL,
  ts BIGINT UNSIGNED NOT NULL,
  tuples LONGTEXT COLLATE utf8mb4_bin NOT NULL,
  line LONGTEXT COLLATE utf8mb4_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_policy_verdicts_tp (policy_id, generation, tp),
  CONSTRAINT fk_policy_verdicts_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- Time points refused (a timestamp smaller than the last one, an event that does not match the signature,
-- a log after the end): stored with the reason; nothing else changes.
CREATE TABLE IF NOT EXISTS policy_rejections (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  policy_id INT UNSIGNED NOT NULL,
  received_at DATETIME(3) NOT NULL,
  source ENUM('rest', 'amqp') NOT NULL,
  reason TEXT COLLATE utf8mb4_bin NOT NULL,
  body LONGTEXT COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id),
  KEY ix_policy_rejections_policy (policy_id, id),
  CONSTRAINT fk_policy_rejections_policy FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE
) ENGINE = InnoDB;
