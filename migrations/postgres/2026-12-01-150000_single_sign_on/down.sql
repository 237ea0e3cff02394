DROP TABLE id_token_uses;
DROP TABLE user_identities;
