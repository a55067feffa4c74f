-- The check scheduler's claims of schedule slots (issue 14). Runs on MySQL 8 and MariaDB 10.11; every
-- statement can run again after a failure half-way.
--
-- A slot (schedule, slot_ms) is claimed once, in the transaction that walks its interval's execute_next_ms
-- (migration 015) past the present: the claim row is what makes it run exactly once across processes. The
-- holder renews expires_at (the database's clock) while it works; a claim left unfinished past its expiry
-- is taken over by another process with fencing_token + 1, and the recorder's transaction checks the token
-- (SlotFence), so a stale holder's results are refused. mode: `run` (its jobs run) or `missed` (each job is
-- recorded as missed: started beyond the maximum lateness, or superseded by a newer due slot).
-- done_at: when every job of the slot was recorded (NULL: in progress). No foreign keys: a claim outlives
-- an edited or deleted schedule until it is purged.
CREATE TABLE IF NOT EXISTS schedule_slot_claims (
  schedule_id INT UNSIGNED NOT NULL,
  slot_ms BIGINT NOT NULL,
  mode ENUM('run', 'missed') NOT NULL,
  holder VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  fencing_token BIGINT UNSIGNED NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  claimed_at DATETIME(3) NOT NULL,
  taken_over_at DATETIME(3) NULL,
  done_at DATETIME(3) NULL,
  PRIMARY KEY (schedule_id, slot_ms),
  KEY ix_schedule_slot_claims_open (done_at, expires_at)
) ENGINE = InnoDB;

-- A slot's progress: one row per job (check, host) whose result is recorded, written by SlotFence inside
-- the recorder's transaction (so it commits with the result, or not at all). A takeover runs only the jobs
-- without a row. Deleted when the slot is done.
CREATE TABLE IF NOT EXISTS schedule_slot_jobs (
  schedule_id INT UNSIGNED NOT NULL,
  slot_ms BIGINT NOT NULL,
  check_id INT UNSIGNED NOT NULL,
  host_id INT UNSIGNED NOT NULL,
  fencing_token BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (schedule_id, slot_ms, check_id, host_id),
  KEY ix_schedule_slot_jobs_slot (slot_ms)
) ENGINE = InnoDB;
