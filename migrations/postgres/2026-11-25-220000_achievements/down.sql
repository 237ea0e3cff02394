DROP TABLE achievement_latest;
DROP TABLE evidence_files;
DROP TABLE achievements;
