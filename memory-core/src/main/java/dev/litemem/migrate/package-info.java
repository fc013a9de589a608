/**
 * Migrating LiteMem files as units of a job: {@link dev.litemem.migrate.FileMigration} brings one file to the current
 * schema and applies the user's own numbered SQL migrations ({@link dev.litemem.migrate.UserMigration}), all in one
 * transaction per file. The command {@code litemem migrate --data DIR} runs it over every tenant of a server's data
 * folder as a resumable job (docs/OPERATIONS.md).
 */
package dev.litemem.migrate;
