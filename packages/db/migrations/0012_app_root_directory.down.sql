ALTER TABLE applications DROP COLUMN root_directory;
