ALTER TABLE decisions DROP COLUMN status;
DROP TABLE decision_signatures;
DROP TABLE generated_documents;
DROP TABLE document_templates;
