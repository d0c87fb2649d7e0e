DROP TABLE addon_health;
