package dev.litemem.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.statement.Cleanable;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.TemplateEngine;

/**
 * The one Jdbi, SQL parser and template engine every {@link Database} of the process (and the file check) uses, so
 * that their configuration is built once and their caches of parsed SQL are shared: Jdbi caches parsed statements per parser and template engine instance, and a new Jdbi per file would
 * parse every statement again (ANTLR lexing) on each file's first use of it. The caches are bounded (least recently
 * used out), so statements built with literal values (row-id lists) cannot grow them without end.
 */
public final class SharedSql {
    /** Jdbi's default parser (":name" and "?" parameters); its own cache is bounded and thread-safe. */
    static final SqlParser PARSER = new ColonPrefixSqlParser();
    /** Jdbi's default template engine ({@code <name>} attributes) behind one bounded cache of parsed templates. */
    static final TemplateEngine TEMPLATES = new CachedTemplates(new DefinedAttributeTemplateEngine(), 2_000);

    private SharedSql() {
    }

    /** The connection source of the {@link #open} running on this thread. */
    private static final ThreadLocal<ConnectionFactory> OPENING = new ThreadLocal<>();

    /**
     * One Jdbi for every LiteMem file of the process: a Jdbi's configuration (argument and column mapper registries,
     * built by reflection) cost about a fifth of a cold tenant's first query when each store made two and the open
     * check a third. Its connections come from the factory that {@link #open} is given, on the calling thread.
     */
    private static final Jdbi JDBI = configure(Jdbi.create(new ConnectionFactory() {
        @Override
        public Connection openConnection() throws SQLException {
            return opening().openConnection();
        }

        @Override
        public Cleanable getCleanableFor(Connection connection) {
            // Called while the handle opens, on the thread that opens it: the handle closes through its own source.
            ConnectionFactory source = opening();
            return () -> source.closeConnection(connection);
        }
    }));

    private static ConnectionFactory opening() {
        ConnectionFactory source = OPENING.get();
        if (source == null) {
            throw new IllegalStateException("a LiteMem handle opens through SharedSql.open");
        }
        return source;
    }

    /**
     * A handle on a connection from {@code source} (closed through it with the handle), configured as every LiteMem
     * handle is: the shared parser and template engine, bound arguments (user text and vectors) kept out of every
     * exception message.
     */
    public static Handle open(ConnectionFactory source) {
        ConnectionFactory outer = OPENING.get();
        OPENING.set(source);
        try {
            return JDBI.open();
        } finally {
            if (outer == null) {
                OPENING.remove();
            } else {
                OPENING.set(outer);
            }
        }
    }

    private static Jdbi configure(Jdbi jdbi) {
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        jdbi.getConfig(SqlStatements.class).setSqlParser(PARSER).setTemplateEngine(TEMPLATES);
        return jdbi;
    }

    private static final class CachedTemplates implements TemplateEngine.Parsing {
        private final TemplateEngine.Parsing engine;
        private final Map<String, Optional<Function<StatementContext, String>>> parsed;

        CachedTemplates(TemplateEngine.Parsing engine, int size) {
            this.engine = engine;
            this.parsed = new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Optional<Function<StatementContext, String>>> e) {
                    return size() > size;
                }
            };
        }

        @Override
        public Optional<Function<StatementContext, String>> parse(String template, ConfigRegistry config) {
            synchronized (parsed) {
                Optional<Function<StatementContext, String>> known = parsed.get(template);
                if (known != null) {
                    return known;
                }
            }
            // The parsed template reads the attributes from the statement's context, never from this config.
            Optional<Function<StatementContext, String>> result = engine.parse(template, config);
            synchronized (parsed) {
                parsed.put(template, result);
            }
            return result;
        }
    }
}
