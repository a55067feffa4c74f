-- Tickets (issue 13, point 5): a firing alert group opens one; people acknowledge, assign, comment, resolve
-- and close it; a re-fire within the window reopens it. Runs on MySQL 8 and MariaDB 10.11; every
-- statement can run again after a failure half-way.
--
-- Times are integer milliseconds since the epoch (BIGINT), as in the alerting tables: the notification
-- pipeline decides them. Label sets are JSON arrays of [name, value] pairs (user-chosen names, never a
-- JSON object). Group keys are Alertmanager's (route path and group labels: unbounded text), so the
-- unique key is on their SHA-256.
--
-- One current ticket per group: `current_key` holds the group key's SHA-256 on the group's current ticket
-- and NULL on tickets a newer one superseded (a re-fire after the reopen window). The unique key makes
-- two instances opening a ticket for one group at the same time store one: the second insert fails and
-- its caller retries, finding the first one's ticket.
CREATE TABLE IF NOT EXISTS tickets (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  group_key MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  group_key_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  current_key CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
  receiver VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  group_labels MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  -- The group's alerts as its last notification gave them (JSON): fingerprint, status, start, end, labels.
  alerts MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  state ENUM('open', 'acknowledged', 'resolved', 'closed') NOT NULL,
  priority ENUM('critical', 'major', 'minor', 'unknown') NOT NULL,
  -- users.id; no foreign key: an erased user stays a tombstone row, and the ticket keeps pointing at it.
  assignee_id INT UNSIGNED NULL,
  -- Some alert of the group belonged to no experiment: the ticket is ADMIN only.
  unscoped TINYINT(1) NOT NULL,
  opened_at_ms BIGINT NOT NULL,
  reopened_at_ms BIGINT NULL,
  reopen_count INT UNSIGNED NOT NULL DEFAULT 0,
  acknowledged_at_ms BIGINT NULL,
  resolved_at_ms BIGINT NULL,
  auto_resolved TINYINT(1) NOT NULL DEFAULT 0,
  closed_at_ms BIGINT NULL,
  time_to_acknowledge_ms BIGINT NULL,
  time_to_resolve_ms BIGINT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_tickets_current (current_key),
  KEY ix_tickets_group (group_key_sha256, id),
  KEY ix_tickets_state (state, id),
  KEY ix_tickets_priority (priority, id),
  KEY ix_tickets_assignee (assignee_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The experiments of a ticket's alerts (the union over its notifications). No foreign key to experiments:
-- deleting an experiment must not widen who sees the ticket (a SCIENTIST sees it only when associated with
-- every experiment listed here, and nobody is associated with a deleted one).
CREATE TABLE IF NOT EXISTS ticket_experiments (
  ticket_id BIGINT UNSIGNED NOT NULL,
  experiment_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (ticket_id, experiment_id),
  KEY ix_ticket_experiments_experiment (experiment_id, ticket_id),
  CONSTRAINT fk_ticket_experiments_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS ticket_comments (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  ticket_id BIGINT UNSIGNED NOT NULL,
  author_id INT UNSIGNED NOT NULL,
  body TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_ticket_comments_ticket (ticket_id, id),
  CONSTRAINT fk_ticket_comments_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every change of a ticket, in commit order: opened, acknowledged, assigned, commented, escalated,
-- resolved, reopened, closed. actor_id NULL: the system (the notification pipeline).
CREATE TABLE IF NOT EXISTS ticket_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  ticket_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('opened', 'acknowledged', 'assigned', 'commented', 'escalated', 'resolved', 'reopened', 'closed') NOT NULL,
  actor_id INT UNSIGNED NULL,
  at_ms BIGINT NOT NULL,
  detail TEXT COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id),
  KEY ix_ticket_events_ticket (ticket_id, id),
  CONSTRAINT fk_ticket_events_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
