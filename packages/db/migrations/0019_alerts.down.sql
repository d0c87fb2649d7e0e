DROP TABLE alert_events;
DROP TABLE alert_rule_channels;
DROP TABLE alert_rules;
DROP TABLE alert_channels;
