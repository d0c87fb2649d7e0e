DROP TABLE app_egress;
