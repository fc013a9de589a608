package dev.litemem.internal.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.TemplateEngine;

/**
 * The SQL parser and template engine every {@link Database} of the process uses, so that their caches of parsed SQL
 * are shared: Jdbi caches parsed statements per parser and template engine instance, and a new Jdbi per file would
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

    /**
     * Gives a Jdbi the shared parser and template engine, and keeps bound arguments (user text and vectors) out of
     * every exception message. For every Jdbi on a LiteMem file: the stores' and the file check's.
     */
    public static org.jdbi.v3.core.Jdbi configure(org.jdbi.v3.core.Jdbi jdbi) {
        jdbi.getConfig(org.jdbi.v3.core.statement.StatementExceptions.class)
                .setMessageRendering(org.jdbi.v3.core.statement.StatementExceptions.MessageRendering.NONE);
        jdbi.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).setSqlParser(PARSER).setTemplateEngine(TEMPLATES);
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
