DROP INDEX nominations_report;
DROP INDEX awards_report;
