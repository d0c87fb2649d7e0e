DROP TABLE log_drains;
