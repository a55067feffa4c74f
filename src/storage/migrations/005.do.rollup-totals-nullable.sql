-- A rollup total may be NULL: the sum of its granule is not a finite double (values near the double limit,
-- e.g. two of 1.7e308) or could not be added exactly. Readers then take that granule from the level below,
-- down to the raw rows, whose sum they compute without overflow (docs/adr/0003, "Sums beyond the double
-- range"). Dropping NOT NULL is an instant change on InnoDB (MariaDB 10.4+, MySQL 8); it can run again.
ALTER TABLE rollup_minute MODIFY total DOUBLE NULL;
ALTER TABLE rollup_hour MODIFY total DOUBLE NULL;
