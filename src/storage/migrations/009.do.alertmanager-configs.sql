-- Versions of the Alertmanager configuration (issue 13): the YAML as given (PUT /alertmanager/config, the
-- file named by ALERTMANAGER_CONFIG_FILE at start and on SIGHUP), already validated. The newest version
-- is the one in force; every instance polls it. Runs on MySQL 8 and MariaDB 10.11; can run again.
CREATE TABLE IF NOT EXISTS alertmanager_configs (
  version BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  yaml MEDIUMTEXT COLLATE utf8mb4_bin NOT NULL,
  -- SHA-256 of the YAML: the file is stored again only when it changed.
  sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  source ENUM('api', 'file') NOT NULL,
  author VARCHAR(255) NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (version)
) ENGINE = InnoDB;
