DROP TABLE title_registration_entries;
DROP TABLE title_registrations;
