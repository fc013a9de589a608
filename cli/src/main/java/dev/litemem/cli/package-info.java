/**
 * The {@code litemem} command (picocli): one subcommand class per command ({@code demo}, {@code add}, {@code get},
 * {@code delete}, {@code list}, {@code stats}, {@code query}, {@code ingest}, {@code export}, {@code eval},
 * {@code bench}), each a thin layer over memory-core's public API; {@link dev.litemem.cli.Main} maps errors to exit
 * codes and messages. The CLI holds no SQL: what it needs of a file, the core's API gives.
 */
package dev.litemem.cli;
