ALTER TABLE teams DROP COLUMN block_critical_deploys;
DROP TABLE build_vulnerabilities;
DROP TABLE build_vulnerability_scans;
