DROP INDEX awards_unit_recent;
DROP INDEX nominations_unit_recent;
