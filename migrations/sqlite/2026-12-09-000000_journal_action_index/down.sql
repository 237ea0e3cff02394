DROP INDEX journal_action;
