DROP TABLE platform_backups;
