package dev.litemem.internal.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.Actor;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import dev.litemem.internal.memory.Forgetting;
import dev.litemem.internal.store.ChangeLog;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.Json;
import dev.litemem.memory.Scope;
import dev.litemem.work.Journal;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
import dev.litemem.work.Work;
import dev.litemem.work.WorkState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/** {@link Work} on the tables {@code work_state}, {@code journal} and {@code idempotency_keys}. */
public final class WorkStore implements Work {
    /** The longest key, run, or type, in characters. */
    public static final int MAX_KEY_LENGTH = 512;
    /** The largest value or payload, in characters. */
    public static final int MAX_VALUE_LENGTH = 1_048_576;
    private static final String VISIBLE = "(expires_at IS NULL OR expires_at > ?)";

    private final Database db;
    private final Actor defaultActor;
    private final Actor actor;

    public WorkStore(Database db, Actor defaultActor) {
        this(db, defaultActor, null);
    }

    private WorkStore(Database db, Actor defaultActor, Actor actor) {
        this.db = db;
        this.defaultActor = defaultActor;
        this.actor = actor;
    }

    @Override
    public Work as(Actor actor) {
        return new WorkStore(db, defaultActor, Objects.requireNonNull(actor, "actor"));
    }

    private Actor actor() {
        return actor != null ? actor : defaultActor;
    }

    // ---------------------------------------------------------------- state

    @Override
    public WorkState state(Scope scope) {
        Objects.requireNonNull(scope, "scope");
        return new State(scope);
    }

    private final class State implements WorkState {
        private final String user;
        private final String agent;
        private final String session;

        State(Scope scope) {
            this.user = scope.user() == null ? "" : scope.user();
            this.agent = scope.agent() == null ? "" : scope.agent();
            this.session = scope.session() == null ? "" : scope.session();
        }

        @Override
        public Optional<StateEntry> get(String key) {
            checkKey(key, "key");
            long now = System.currentTimeMillis();
            return db.read(h -> find(h, key, now));
        }

        private Optional<StateEntry> find(Handle h, String key, long now) {
            return h.createQuery("SELECT key, value, version, updated_at, expires_at FROM work_state WHERE user_id = ?"
                            + " AND agent_id = ? AND session_id = ? AND key = ? AND " + VISIBLE)
                    .bind(0, user).bind(1, agent).bind(2, session).bind(3, key).bind(4, now)
                    .map((rs, ctx) -> entry(rs)).findOne();
        }

        @Override
        public StateEntry put(String key, String json) {
            return write(key, json, null, null);
        }

        @Override
        public StateEntry put(String key, String json, Duration ttl) {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new InvalidInputException("ttl", "the time to live must be positive, was " + ttl);
            }
            return write(key, json, null, ttl);
        }

        @Override
        public Optional<StateEntry> compareAndSet(String key, long expectedVersion, String json) {
            if (expectedVersion < 0) {
                throw new InvalidInputException("expectedVersion", "the expected version must be 0 (no entry) or more,"
                        + " was " + expectedVersion);
            }
            return Optional.ofNullable(write(key, json, expectedVersion, null));
        }

        /** Writes unless {@code expected} is given and differs from the stored version (then null). */
        private StateEntry write(String key, String json, Long expected, Duration ttl) {
            checkKey(key, "key");
            String value = compactJson(json, "value");
            return db.write(h -> {
                long now = System.currentTimeMillis();
                long current = find(h, key, now).map(StateEntry::version).orElse(0L);
                if (expected != null && current != expected) {
                    return null;
                }
                long version = current + 1;
                Long expiresAt = ttl == null ? null : now + ttl.toMillis();
                h.createUpdate("INSERT INTO work_state (user_id, agent_id, session_id, key, value, version, updated_at,"
                                + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, agent_id,"
                                + " session_id, key) DO UPDATE SET value = excluded.value, version = excluded.version,"
                                + " updated_at = excluded.updated_at, expires_at = excluded.expires_at")
                        .bind(0, user).bind(1, agent).bind(2, session).bind(3, key).bind(4, value).bind(5, version)
                        .bind(6, now).bind(7, expiresAt).execute();
                StateEntry entry = new StateEntry(key, value, version, Instant.ofEpochMilli(now),
                        expiresAt == null ? null : Instant.ofEpochMilli(expiresAt));
                log(h, STATE, Forgetting.stateKey(user, agent, session, key), null, current == 0 ? "insert" : "update",
                        now, stateImage(entry));
                return entry;
            });
        }

        @Override
        public boolean delete(String key) {
            checkKey(key, "key");
            return db.write(h -> {
                int n = h.createUpdate("DELETE FROM work_state WHERE user_id = ? AND agent_id = ? AND session_id = ?"
                                + " AND key = ?").bind(0, user).bind(1, agent).bind(2, session).bind(3, key).execute();
                if (n > 0) {
                    log(h, STATE, Forgetting.stateKey(user, agent, session, key), null, "delete",
                            System.currentTimeMillis(), null);
                }
                return n > 0;
            });
        }

        @Override
        public List<StateEntry> entries() {
            long now = System.currentTimeMillis();
            return db.read(h -> h.createQuery("SELECT key, value, version, updated_at, expires_at FROM work_state"
                            + " WHERE user_id = ? AND agent_id = ? AND session_id = ? AND " + VISIBLE + " ORDER BY key")
                    .bind(0, user).bind(1, agent).bind(2, session).bind(3, now).map((rs, ctx) -> entry(rs)).list());
        }

        private String stateImage(StateEntry e) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("user", user.isEmpty() ? null : user);
            o.put("agent", agent.isEmpty() ? null : agent);
            o.put("session", session.isEmpty() ? null : session);
            o.put("key", e.key());
            o.set("value", parse(e.value()));
            o.put("version", e.version());
            o.put("updated_at", e.updatedAt().toEpochMilli());
            o.put("expires_at", e.expiresAt() == null ? null : e.expiresAt().toEpochMilli());
            return toJson(o);
        }
    }

    private static StateEntry entry(ResultSet rs) throws SQLException {
        long expires = rs.getLong("expires_at");
        Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
        return new StateEntry(rs.getString("key"), rs.getString("value"), rs.getLong("version"),
                Instant.ofEpochMilli(rs.getLong("updated_at")), expiresAt);
    }

    // ---------------------------------------------------------------- journal

    @Override
    public Journal journal(String run) {
        checkKey(run, "run");
        return new Journal() {
            @Override
            public long append(String type, String payloadJson) {
                checkKey(type, "type");
                String payload = compactJson(payloadJson, "payload");
                return db.write(h -> {
                    long now = System.currentTimeMillis();
                    Actor a = actor();
                    long seq = h.createQuery("INSERT INTO journal (run, type, payload, at, actor) VALUES (?, ?, ?, ?, ?)"
                                    + " RETURNING seq").bind(0, run).bind(1, type).bind(2, payload).bind(3, now)
                            .bind(4, a == null ? null : a.id()).mapTo(Long.class).one();
                    ObjectNode o = Json.MAPPER.createObjectNode();
                    o.put("seq", seq);
                    o.put("run", run);
                    o.put("type", type);
                    o.set("payload", parse(payload));
                    o.put("at", now);
                    log(h, JOURNAL, run, seq, "insert", now, toJson(o));
                    return seq;
                });
            }

            @Override
            public List<JournalEntry> read(long afterSeq, int limit) {
                return read(null, afterSeq, limit);
            }

            @Override
            public List<JournalEntry> read(String type, long afterSeq, int limit) {
                if (limit < 1 || limit > 10_000) {
                    throw new InvalidInputException("limit", "limit must be between 1 and 10000, was " + limit);
                }
                return db.read(h -> {
                    var q = h.createQuery("SELECT seq, run, type, payload, at, actor FROM journal WHERE run = ? AND"
                            + " seq > ?" + (type == null ? "" : " AND type = ?") + " ORDER BY seq LIMIT " + limit);
                    q.bind(0, run).bind(1, afterSeq);
                    if (type != null) {
                        q.bind(2, type);
                    }
                    return q.map((rs, ctx) -> new JournalEntry(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6))).list();
                });
            }
        };
    }

    // ---------------------------------------------------------------- idempotency

    @Override
    public String once(String key, Callable<String> work) {
        return once(key, DEFAULT_KEY_TTL, work);
    }

    @Override
    public String once(String key, Duration ttl, Callable<String> work) {
        checkKey(key, "key");
        Objects.requireNonNull(work, "work");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("ttl", "the time to live must be positive, was " + ttl);
        }
        return db.write(h -> {
            long now = System.currentTimeMillis();
            Optional<String> stored = lookup(h, key, now);
            if (stored.isPresent()) {
                return stored.get();
            }
            String result;
            try {
                result = work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new LiteMemException("the work of once(key) failed, so nothing of it was stored: "
                        + e.getMessage(), e);
            }
            if (result == null) {
                throw new InvalidInputException("result", "the work of once(key) returned null: return a result"
                        + " (for example \"{}\") so that a repeat can be answered");
            }
            store(h, key, ttl, result, now);
            return result;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T, X extends Exception> Once<T> onceDeferred(String key, Duration ttl, Step<T, X> work,
                                                         Function<T, String> result) throws X {
        checkKey(key, "key");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(result, "result");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("ttl", "the time to live must be positive, was " + ttl);
        }
        Optional<String> before = stored(key);
        if (before.isPresent()) {
            return new Once<>(null, before.get(), true);
        }
        String[] rendered = new String[1];
        try {
            T value = db.deferCommit(h -> {
                Optional<String> meanwhile = lookup(h, key, System.currentTimeMillis());
                if (meanwhile.isPresent()) {
                    throw new Repeated(meanwhile.get());
                }
            }, () -> {
                try {
                    return work.run();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new Checked(e);
                }
            }, (h, v) -> {
                rendered[0] = result.apply(v);
                if (rendered[0] != null) {
                    store(h, key, ttl, rendered[0], System.currentTimeMillis());
                }
            });
            return new Once<>(value, rendered[0], false);
        } catch (Repeated r) {
            return new Once<>(null, r.result, true);
        } catch (Checked c) {
            throw (X) c.getCause();
        }
    }

    @Override
    public Optional<String> stored(String key) {
        checkKey(key, "key");
        return db.read(h -> lookup(h, key, System.currentTimeMillis()));
    }

    private static Optional<String> lookup(Handle h, String key, long now) {
        return h.createQuery("SELECT result FROM idempotency_keys WHERE key = ? AND " + VISIBLE)
                .bind(0, key).bind(1, now).mapTo(String.class).findOne();
    }

    private void store(Handle h, String key, Duration ttl, String result, long now) {
        long expiresAt = now + ttl.toMillis();
        // A stale row of the key (expired, not swept yet) is replaced.
        h.createUpdate("INSERT INTO idempotency_keys (key, result, created_at, expires_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (key) DO UPDATE SET result = excluded.result,"
                        + " created_at = excluded.created_at, expires_at = excluded.expires_at")
                .bind(0, key).bind(1, result).bind(2, now).bind(3, expiresAt).execute();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("key", key);
        o.put("result", result);
        o.put("created_at", now);
        o.put("expires_at", expiresAt);
        log(h, IDEMPOTENCY, key, null, "insert", now, toJson(o));
    }

    /** Ends a deferred work whose key another writer stored meanwhile (its writes roll back). */
    private static final class Repeated extends RuntimeException {
        private final String result;

        Repeated(String result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    private static final class Checked extends RuntimeException {
        Checked(Exception cause) {
            super(cause);
        }
    }

    // ---------------------------------------------------------------- expiry

    @Override
    public int expireNow() {
        return db.write(h -> {
            long now = System.currentTimeMillis();
            List<String[]> states = h.createQuery("DELETE FROM work_state WHERE expires_at <= ?"
                            + " RETURNING user_id, agent_id, session_id, key").bind(0, now)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)})
                    .list();
            List<String> keys = h.createQuery("DELETE FROM idempotency_keys WHERE expires_at <= ? RETURNING key")
                    .bind(0, now).mapTo(String.class).list();
            try (ChangeLog log = new ChangeLog(h)) {
                for (String[] s : states) {
                    log.log(STATE, null, Forgetting.stateKey(s[0], s[1], s[2], s[3]), null, "expire", null, now);
                }
                for (String k : keys) {
                    log.log(IDEMPOTENCY, null, k, null, "expire", null, now);
                }
            } catch (SQLException e) {
                throw new LiteMemException("logging expired work state failed: " + e.getMessage(), e);
            }
            return states.size() + keys.size();
        });
    }

    // ---------------------------------------------------------------- helpers

    private void log(Handle h, String entity, String key, Long rowId, String op, long now, String image) {
        try (ChangeLog log = new ChangeLog(h)) {
            log.log(entity, null, key, rowId, op, actor(), now, image, null);
        } catch (SQLException e) {
            throw new LiteMemException("writing the change log failed: " + e.getMessage(), e);
        }
    }

    private static void checkKey(String key, String field) {
        if (key == null || key.isBlank()) {
            throw new InvalidInputException(field, field + " is empty: give a " + field);
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidInputException(field, field + " has " + key.length() + " characters; at most "
                    + MAX_KEY_LENGTH + " are allowed");
        }
        if (key.indexOf('\0') >= 0) {
            throw new InvalidInputException(field, field + " contains a NUL character (U+0000): remove it");
        }
    }

    private static String compactJson(String json, String field) {
        if (json != null && json.length() > MAX_VALUE_LENGTH) {
            throw new InvalidInputException(field, field + " has " + json.length() + " characters; at most "
                    + MAX_VALUE_LENGTH + " are allowed");
        }
        JsonNode node = Json.readStrict(json, field, "{\"step\": 3}");
        if (node == null) {
            throw new InvalidInputException(field, field + " is empty: give a JSON value such as {\"step\": 3}");
        }
        return toJson(node);
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("a stored JSON value cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private static String toJson(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("cannot write JSON", e);
        }
    }
}
