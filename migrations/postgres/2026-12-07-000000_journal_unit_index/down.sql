DROP INDEX journal_unit;
