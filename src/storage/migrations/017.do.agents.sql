-- Agents and their signed plugins (issue 14, docs/checks.md "Agents and plugins").
-- Runs on MySQL 8 and MariaDB 10.11; every statement can run again after a failure half-way.

-- Every version of every plugin ADMINs uploaded, as the core signed it: bundle is the wire form (JSON: name,
-- version, entry, files with base64 content, sha256, signature), sent as is to agents that lack it.
-- A new version must order above the newest (integer or MAJOR.MINOR.PATCH, compared in the service).
CREATE TABLE IF NOT EXISTS plugins (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
  version VARCHAR(100) COLLATE utf8mb4_bin NOT NULL,
  entry VARCHAR(1000) COLLATE utf8mb4_bin NOT NULL,
  file_count INT UNSIGNED NOT NULL,
  bytes INT UNSIGNED NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  signature VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  bundle LONGTEXT COLLATE utf8mb4_bin NOT NULL,
  -- The uploader's pseudonym (never a name).
  created_by VARCHAR(64) COLLATE utf8mb4_bin NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_plugins_name_version (name, version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Agents as they last announced themselves (name, software version, installed plugins as JSON
-- [{name, version, sha256}]). Rows are written by announcements only.
CREATE TABLE IF NOT EXISTS agents (
  name VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
  version VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
  plugins MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  first_seen_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  PRIMARY KEY (name),
  KEY ix_agents_last_seen (last_seen_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
