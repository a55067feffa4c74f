-- GET /checks/{id}/results lists a check's results newest slot first, across its hosts, filtered on the slot's
-- time: (check_id, slot_ms) serves both the order and the range (uq_check_results_slot has the host in
-- between, so it serves the listing of one host only). Runs on MySQL 8 and MariaDB 10.11; one statement, so a
-- failure leaves nothing half-done and the file can run again.
ALTER TABLE check_results
  ADD KEY ix_check_results_check_slot (check_id, slot_ms);
