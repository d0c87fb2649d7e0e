DROP TABLE one_off_processes;
