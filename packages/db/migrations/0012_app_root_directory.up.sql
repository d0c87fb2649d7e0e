-- 0012: an app can build from a sub-folder of its source (monorepos); null builds from the root.
ALTER TABLE applications ADD COLUMN root_directory text;
