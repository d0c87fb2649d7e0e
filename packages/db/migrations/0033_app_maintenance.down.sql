DROP TABLE app_maintenance;
