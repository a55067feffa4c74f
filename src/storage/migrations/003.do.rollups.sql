-- Rollups: per-series partial aggregates by minute and by hour, so that downsampling a long window reads
-- a few hundred rows instead of millions (docs/adr/0002-rollups-for-aggregates.md). Runs on MySQL 8 and
-- MariaDB 10.11; every statement can run again after a failure half-way (DDL commits implicitly).
--
-- A rollup row holds what any supported function needs and what merges exactly across rows: count, sum,
-- min, max, and the value at the latest timestamp. bucket_us is the bucket's start, in microseconds since
-- the epoch, a multiple of the bucket width. Rows are clustered by (series, time) like measures, so the
-- buckets of one series in a window are one range scan.

CREATE TABLE IF NOT EXISTS rollup_minute (
  series_id BIGINT UNSIGNED NOT NULL,
  bucket_us BIGINT NOT NULL,
  n BIGINT UNSIGNED NOT NULL,
  total DOUBLE NOT NULL,
  lo DOUBLE NOT NULL,
  hi DOUBLE NOT NULL,
  last_ts BIGINT NOT NULL,
  last_value DOUBLE NOT NULL,
  PRIMARY KEY (series_id, bucket_us)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS rollup_hour (
  series_id BIGINT UNSIGNED NOT NULL,
  bucket_us BIGINT NOT NULL,
  n BIGINT UNSIGNED NOT NULL,
  total DOUBLE NOT NULL,
  lo DOUBLE NOT NULL,
  hi DOUBLE NOT NULL,
  last_ts BIGINT NOT NULL,
  last_value DOUBLE NOT NULL,
  PRIMARY KEY (series_id, bucket_us)
) ENGINE = InnoDB;

-- The minutes whose rollups no longer match the raw data. Ingest adds a row here in the same transaction
-- as the measures (INSERT IGNORE: one row per minute however many measures or redeliveries hit it); the
-- rollup job recomputes each marked minute from the raw rows, then its hour from the minutes, and deletes
-- the mark in that same transaction. A recomputation reads what is stored, so a duplicate measure, which
-- is stored once, is counted once, and late data only marks its old minute again.
CREATE TABLE IF NOT EXISTS rollup_dirty (
  series_id BIGINT UNSIGNED NOT NULL,
  bucket_us BIGINT NOT NULL,
  PRIMARY KEY (series_id, bucket_us)
) ENGINE = InnoDB;

-- Measures stored before this migration have no rollups yet: mark their minutes so that the rollup job
-- builds them. The arithmetic floors negative timestamps too (MOD keeps the dividend's sign).
INSERT IGNORE INTO rollup_dirty (series_id, bucket_us)
SELECT DISTINCT series_id, ts_us - MOD(ts_us, 60000000) - IF(MOD(ts_us, 60000000) < 0, 60000000, 0)
  FROM measures;
