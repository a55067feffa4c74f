-- Rejections judged per measure, and one rejection per delivered message. Runs on MySQL 8 and MariaDB 10.11.
--
-- body_sha256: SHA-256 of the body as delivered. With message_id it identifies a delivery: the same bad
-- message published twice (or redelivered) is one rejection (ux_rejected_messages_delivery). Rows without
-- a message id are never merged (NULLs do not collide in a unique key).
-- message_id becomes binary: ids that differ in case or accents are different messages.
-- partial / refused_measures: a message whose envelope was valid is judged measure by measure; the good
-- measures are stored and the refused ones (JSON: [{index, reason, detail}]) are kept here.
ALTER TABLE rejected_messages
  MODIFY message_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD COLUMN body_sha256 BINARY(32) NULL,
  ADD COLUMN partial BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN refused_measures MEDIUMTEXT NULL;

-- Rows stored before: the digest of whole bodies, once per (message id, body); earlier twins keep NULL so
-- that the unique key can be added. Truncated bodies have no known digest. The derived table lets MySQL
-- read the table it updates.
UPDATE rejected_messages
SET body_sha256 = UNHEX(SHA2(body, 256))
WHERE body_truncated = FALSE
  AND id NOT IN (
    SELECT id FROM (
      SELECT later.id
      FROM rejected_messages later
      JOIN rejected_messages earlier
        ON earlier.message_id = later.message_id AND earlier.body = later.body AND earlier.id < later.id
    ) AS twins
  );

-- The unique key starts with message_id: it replaces the lookup key of migration 002.
ALTER TABLE rejected_messages
  DROP KEY ix_rejected_messages_message_id,
  ADD UNIQUE KEY ux_rejected_messages_delivery (message_id, body_sha256);
