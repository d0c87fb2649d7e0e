DROP TABLE app_traffic_policies;
