DROP TABLE unit_links;
DROP TABLE units;
