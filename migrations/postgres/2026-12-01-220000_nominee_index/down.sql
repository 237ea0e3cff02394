DROP INDEX nominations_nominee;
