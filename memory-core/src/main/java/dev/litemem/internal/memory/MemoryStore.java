package dev.litemem.internal.memory;

import dev.litemem.Actor;
import dev.litemem.Embedder;
import dev.litemem.Hit;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import dev.litemem.Page;
import dev.litemem.SearchMode;
import dev.litemem.SearchRequest;
import dev.litemem.index.Neighbor;
import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.index.IndexAsIs;
import dev.litemem.internal.search.Query;
import dev.litemem.internal.store.ChangeLog;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.EmbeddingCache;
import dev.litemem.internal.store.Ids;
import dev.litemem.internal.store.Json;
import dev.litemem.internal.store.VectorCodec;
import dev.litemem.memory.ConsolidationPolicy;
import dev.litemem.memory.Memory;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RecallOptions;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** {@link Memory} on a store's reserved collection and the {@code memories} table. */
public final class MemoryStore implements Memory {
    /** The change log's entity of a memory. */
    public static final String ENTITY = "memory";
    /** The longest memory text, in characters. */
    public static final int MAX_TEXT_LENGTH = 32_768;
    /** Up to this many memories in a scope, near-duplicates are found by an exact scan; above it, by the graph. */
    static final int EXACT_SCAN_LIMIT = 256;
    private static final int SWEEP_BATCH = 1_000;
    /** How many of the whole collection's nearest a large scope's near-duplicate check looks at before filtering. */
    private static final int UNFILTERED_PROBE = 16;
    /** The graph walk's breadth for that probe. */
    private static final int PROBE_EF = 64;
    /** Past this many changes the graph does not reflect yet, a near-duplicate search catches it up first. */
    private static final int MAX_BEHIND = 1_000;

    private final MemoryBackend b;
    private final Actor actor;

    public MemoryStore(MemoryBackend backend) {
        this(backend, null);
    }

    private MemoryStore(MemoryBackend backend, Actor actor) {
        this.b = backend;
        this.actor = actor;
    }

    @Override
    public Memory as(Actor actor) {
        return new MemoryStore(b, Objects.requireNonNull(actor, "actor"));
    }

    private Actor actor() {
        return actor != null ? actor : b.defaultActor();
    }

    private String actorId() {
        Actor a = actor();
        return a == null ? null : a.id();
    }

    @Override
    public double nearDuplicateThreshold() {
        return Thresholds.forModel(b.embedder().get().modelId());
    }

    // ---------------------------------------------------------------- remember

    @Override
    public RememberResult remember(Scope scope, String text) {
        return remember(scope, text, RememberOptions.defaults());
    }

    @Override
    public RememberResult remember(Scope scope, String text, RememberOptions options) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(options, "options");
        checkText(text, "text");
        Embedder embedder = b.embedder().get();
        Embedded embedded = embed(embedder, text);
        double threshold = options.nearDuplicateThreshold() != null ? options.nearDuplicateThreshold()
                : Thresholds.forModel(embedder.modelId());
        ConsolidationPolicy.Decision decision = null;
        Embedded decidedText = null;
        Map<String, Double> similarity = new HashMap<>();
        if (options.policy() != ConsolidationPolicy.KEEP_BOTH) {
            // Before the transaction: the policy may take its time (an application's own model) without holding the
            // file's write lock. Its decision is checked again inside.
            long now = System.currentTimeMillis();
            List<Near> near = b.db().read(h -> nearest(h, scope, embedded.vector, 5, now));
            if (!near.isEmpty() && near.get(0).cosine < threshold) {
                List<ConsolidationPolicy.Similar> similar = new ArrayList<>();
                for (Near n : near) {
                    similar.add(new ConsolidationPolicy.Similar(n.stored.item(), n.cosine));
                    similarity.put(n.stored.item().id(), n.cosine);
                }
                decision = Objects.requireNonNull(options.policy().decide(text, scope, List.copyOf(similar)),
                        "the consolidation policy returned no decision");
                if (decision.action() == ConsolidationPolicy.Action.UPDATE && decision.text() != null
                        && !decision.text().equals(text)) {
                    checkText(decision.text(), "decision.text");
                    decidedText = embed(embedder, decision.text());
                }
            }
        }
        ConsolidationPolicy.Decision decided = decision;
        Embedded decidedVector = decidedText;
        RememberResult result = b.db().write(h -> {
            long now = System.currentTimeMillis();
            embedded.store(b.db(), h, embedder, now);
            if (decidedVector != null) {
                decidedVector.store(b.db(), h, embedder, now);
            }
            try (ChangeLog log = new ChangeLog(h, b.db())) {
                return rememberIn(h, log, scope, text, options, embedded, threshold, decided, decidedVector,
                        similarity, now);
            } catch (SQLException e) {
                throw new LiteMemException("remembering failed: " + e.getMessage(), e);
            }
        });
        if (result.outcome() != RememberResult.Outcome.UNCHANGED) {
            b.written().run();
        }
        return result;
    }

    private RememberResult rememberIn(Handle h, ChangeLog log, Scope scope, String text, RememberOptions o,
                                      Embedded embedded, double threshold, ConsolidationPolicy.Decision decision,
                                      Embedded decidedVector, Map<String, Double> similarity, long now)
            throws SQLException {
        // The exact repeat, by the unique key, in this transaction: nobody can have added it in between.
        Optional<MemoryRows.Stored> same = MemoryRows.byTextKey(b.db(), h, scope, TextKey.of(text));
        if (same.isPresent()) {
            MemoryItem m = same.get().item();
            if (visible(m, now)) {
                return new RememberResult(m.id(), RememberResult.Outcome.UNCHANGED, m.text(), null, 1.0);
            }
            expire(h, log, same.get(), now); // expired and not swept yet: it goes now, and the text is new again
        }
        List<Near> near = nearestAtLeast(h, scope, embedded.vector, threshold, now);
        if (!near.isEmpty() && near.get(0).cosine >= threshold) {
            MemoryItem m = near.get(0).stored.item();
            return new RememberResult(m.id(), RememberResult.Outcome.UNCHANGED, m.text(), null, near.get(0).cosine);
        }
        if (decision != null && decision.action() != ConsolidationPolicy.Action.ADD) {
            Optional<MemoryRows.Stored> target = MemoryRows.byId(h, decision.target())
                    .filter(t -> t.item().current() && visible(t.item(), now) && t.item().scope().equals(scope));
            if (target.isPresent()) {
                MemoryItem t = target.get().item();
                Double sim = similarity.get(t.id());
                switch (decision.action()) {
                    case NOTHING:
                        return new RememberResult(t.id(), RememberResult.Outcome.UNCHANGED, t.text(), null, sim);
                    case DELETE:
                        remove(h, log, target.get(), "delete", "delete", now);
                        return new RememberResult(t.id(), RememberResult.Outcome.DELETED, t.text(), null, sim);
                    case UPDATE:
                        String newText = decision.text() != null ? decision.text() : text;
                        float[] vector = decidedVector != null ? decidedVector.vector : embedded.vector;
                        MemoryItem updated = new MemoryItem(t.id(), newText,
                                o.metadata().isEmpty() ? t.metadata() : o.metadata(), t.scope(), o.kind(),
                                Math.max(o.importance(), t.importance()), t.createdAt(), Instant.ofEpochMilli(now),
                                t.lastAccessedAt(), expiry(o, now, t.expiresAt()), t.validFrom(), null, null);
                        change(h, log, target.get(), updated, VectorCodec.encode(vector), "update", now, null);
                        return new RememberResult(t.id(), RememberResult.Outcome.UPDATED, newText, t.text(), sim);
                    default:
                        break;
                }
            }
        }
        Instant at = Instant.ofEpochMilli(now);
        MemoryItem added = new MemoryItem(Ids.newId(), text, o.metadata(), scope, o.kind(), o.importance(), at, at, at,
                expiry(o, now, null), at, null, null);
        add(h, log, added, VectorCodec.encode(embedded.vector), "insert", now, null);
        return new RememberResult(added.id(), RememberResult.Outcome.ADDED, text, null, null);
    }

    private static Instant expiry(RememberOptions o, long now, Instant otherwise) {
        if (o.expiresAt() != null) {
            return o.expiresAt();
        }
        if (o.ttl() != null) {
            return Instant.ofEpochMilli(now).plus(o.ttl());
        }
        return otherwise;
    }

    @Override
    public RememberResult supersede(String id, String text, RememberOptions options) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(options, "options");
        checkText(text, "text");
        Embedder embedder = b.embedder().get();
        Embedded embedded = embed(embedder, text);
        RememberResult result = b.db().write(h -> {
            long now = System.currentTimeMillis();
            embedded.store(b.db(), h, embedder, now);
            MemoryRows.Stored old = MemoryRows.byId(h, id).filter(s -> s.item().current() && visible(s.item(), now))
                    .orElseThrow(() -> new InvalidInputException("id", "there is no current memory '" + id + "' to"
                            + " supersede: it does not exist, expired, or was superseded already"));
            MemoryItem o = old.item();
            Instant at = Instant.ofEpochMilli(now);
            try (ChangeLog log = new ChangeLog(h)) {
                String newId = Ids.newId();
                MemoryItem closed = new MemoryItem(o.id(), o.text(), o.metadata(), o.scope(), o.kind(), o.importance(),
                        o.createdAt(), at, o.lastAccessedAt(), o.expiresAt(), o.validFrom(), at, newId);
                // First the old one stops being current, so the new text may even say the same in other words.
                Optional<MemoryRows.Stored> same = MemoryRows.byTextKey(b.db(), h, o.scope(), TextKey.of(text))
                        .filter(s -> !s.item().id().equals(o.id()) && visible(s.item(), now));
                if (same.isPresent()) {
                    closed = new MemoryItem(o.id(), o.text(), o.metadata(), o.scope(), o.kind(), o.importance(),
                            o.createdAt(), at, o.lastAccessedAt(), o.expiresAt(), o.validFrom(), at,
                            same.get().item().id());
                    change(h, log, old, closed, null, "supersede", now, null);
                    MemoryItem s = same.get().item();
                    return new RememberResult(s.id(), RememberResult.Outcome.UNCHANGED, s.text(), o.text(), 1.0);
                }
                change(h, log, old, closed, null, "supersede", now, null);
                MemoryItem added = new MemoryItem(newId, text,
                        options.metadata().isEmpty() ? o.metadata() : options.metadata(), o.scope(), options.kind(),
                        options.importance(), at, at, at, expiry(options, now, null), at, null, null);
                add(h, log, added, VectorCodec.encode(embedded.vector), "insert", now, null);
                return new RememberResult(newId, RememberResult.Outcome.ADDED, text, o.text(), null);
            } catch (SQLException e) {
                throw new LiteMemException("superseding a memory failed: " + e.getMessage(), e);
            }
        });
        b.written().run();
        return result;
    }

    // ---------------------------------------------------------------- writes shared by every change

    /** Inserts a memory, keeps the version (nothing before it) and logs it. */
    private long add(Handle h, ChangeLog log, MemoryItem m, byte[] vector, String versionOp, long now, Long undoOf)
            throws SQLException {
        long rowId = MemoryRows.insert(b.db(), h, b.collectionId(), m, metadataJson(m), vector);
        String image = MemoryRows.json(m); // the version's after and the log's image: one text, written once
        versionOf(h, m.id(), m.scope(), versionOp, null, null, image, now, undoOf);
        log.log(ENTITY, b.collectionId(), m.id(), rowId, "insert", actor(), now, image, vector);
        return rowId;
    }

    /** Rewrites a memory to {@code after}, keeps the version it replaced and logs it. */
    private void change(Handle h, ChangeLog log, MemoryRows.Stored before, MemoryItem after, byte[] vector,
                        String versionOp, long now, Long undoOf) throws SQLException {
        MemoryRows.update(h, before.rowId(), after, metadataJson(after), vector, actorId());
        version(h, after.id(), after.scope(), versionOp, before.item(), before.vector(), after, now, undoOf);
        log.log(ENTITY, b.collectionId(), after.id(), before.rowId(), "update", actor(), now, MemoryRows.json(after),
                vector != null ? vector : before.vector());
    }

    /** Deletes a memory, keeps the version it replaced (unless it is being forgotten) and logs it with {@code op}. */
    private void remove(Handle h, ChangeLog log, MemoryRows.Stored before, String versionOp, String op, long now)
            throws SQLException {
        MemoryRows.delete(h, before.rowId());
        if (versionOp != null) {
            MemoryItem m = before.item();
            version(h, m.id(), m.scope(), versionOp, m, before.vector(), null, now, null);
        }
        log.log(ENTITY, b.collectionId(), before.item().id(), before.rowId(), op, actor(), now, null, null);
    }

    private void expire(Handle h, ChangeLog log, MemoryRows.Stored s, long now) throws SQLException {
        MemoryRows.delete(h, s.rowId());
        log.log(ENTITY, b.collectionId(), s.item().id(), s.rowId(), "expire", null, now, null, null);
    }

    private long version(Handle h, String id, Scope scope, String op, MemoryItem before, byte[] beforeVector,
                         MemoryItem after, long now, Long undoOf) {
        return versionOf(h, id, scope, op, before, beforeVector, after == null ? null : MemoryRows.json(after), now,
                undoOf);
    }

    /** Keeps a version of a memory: what it was ({@code before}) and its state after, as {@link MemoryRows#json}. */
    private long versionOf(Handle h, String id, Scope scope, String op, MemoryItem before, byte[] beforeVector,
                           String afterJson, long now, Long undoOf) {
        try {
            PreparedStatement q = b.db().prepared(h, INSERT_VERSION);
            q.setString(1, id);
            q.setString(2, MemoryRows.column(scope.user()));
            q.setString(3, MemoryRows.column(scope.agent()));
            q.setString(4, MemoryRows.column(scope.session()));
            q.setString(5, op);
            q.setString(6, before == null ? null : MemoryRows.json(before));
            q.setBytes(7, beforeVector);
            q.setString(8, afterJson);
            q.setLong(9, now);
            q.setString(10, actorId());
            MemoryRows.setLong(q, 11, undoOf);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new LiteMemException("keeping a memory's version failed: " + e.getMessage(), e);
        }
    }

    private static final String INSERT_VERSION = "INSERT INTO memory_versions (memory_id, user_id, agent_id, session_id,"
            + " op, before, before_vector, after, at, actor, undo_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " RETURNING version";

    private static String metadataJson(MemoryItem m) {
        return Json.write(m.metadata(), "metadata");
    }

    // ---------------------------------------------------------------- near-duplicates

    private record Near(MemoryRows.Stored stored, double cosine) {
    }

    /** The scope's current, visible memories nearest to {@code vector}, most similar first. */
    private List<Near> nearest(Handle h, Scope scope, float[] vector, int n, long now) {
        return nearest(h, scope, vector, n, now, scopeSize(h, scope));
    }

    /**
     * How many memories the scope holds, current or not, counted up to {@link #EXACT_SCAN_LIMIT} + 1 on the scope's
     * index alone (no table rows read): it only chooses between the exact scan and the graph.
     */
    private long scopeSize(Handle h, Scope scope) {
        try {
            PreparedStatement q = b.db().prepared(h, SCOPE_SIZE);
            bindScope(q, scope, 1);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new LiteMemException("counting a scope's memories failed: " + e.getMessage(), e);
        }
    }

    private static final String SCOPE_SIZE = "SELECT count(*) FROM (SELECT 1 FROM memories m WHERE m.user_id = ?"
            + " AND m.agent_id = ? AND m.session_id = ? LIMIT " + (EXACT_SCAN_LIMIT + 1) + ")";
    /** A memory of exactly one scope (user, agent, session as stored), current and not expired at the 4th parameter. */
    private static final String CURRENT_IN_SCOPE = "m.user_id = ? AND m.agent_id = ? AND m.session_id = ?"
            + " AND m.valid_to IS NULL AND " + MemoryRows.VISIBLE;
    /** How many changes of the collection follow a position, counted up to {@link #MAX_BEHIND} + 1. */
    private static final String BEHIND = "SELECT count(*) FROM (SELECT 1 FROM changes WHERE collection_id = ?"
            + " AND seq > ? LIMIT " + (MAX_BEHIND + 1) + ")";
    /** Which of some row ids (a JSON array) are current memories of a scope. */
    private static final String IN_SCOPE = "SELECT m.row_id FROM json_each(?) AS candidate CROSS JOIN memories m"
            + " ON m.row_id = candidate.value WHERE " + CURRENT_IN_SCOPE;
    /** The vectors of a scope's current memories changed after a position of the change log. */
    private static final String CHANGED_AFTER = "SELECT DISTINCT m.row_id, r.embedding FROM changes c"
            + " JOIN memories m ON m.row_id = c.row_id JOIN records r ON r.row_id = m.row_id"
            + " WHERE c.collection_id = ? AND c.seq > ? AND " + CURRENT_IN_SCOPE;

    /** Binds the scope's three columns and {@code now} of {@link #CURRENT_IN_SCOPE} from {@code index} on. */
    private static int bindScope(PreparedStatement q, Scope scope, int index) throws SQLException {
        q.setString(index, MemoryRows.column(scope.user()));
        q.setString(index + 1, MemoryRows.column(scope.agent()));
        q.setString(index + 2, MemoryRows.column(scope.session()));
        return index + 3;
    }

    private List<Near> nearest(Handle h, Scope scope, float[] vector, int n, long now, long count) {
        List<Object> params = new ArrayList<>();
        String where = MemoryRows.exactly(scope, params) + " AND m.valid_to IS NULL AND " + MemoryRows.VISIBLE;
        params.add(now);
        if (count == 0) {
            return List.of();
        }
        List<Near> out = new ArrayList<>();
        if (count <= EXACT_SCAN_LIMIT) {
            // Vectors only (no metadata to parse); the n best are read in full afterwards.
            List<long[]> rows = new ArrayList<>();
            List<Double> cosines = new ArrayList<>();
            bindAll(h.createQuery("SELECT m.row_id, r.embedding FROM memories m JOIN records r ON r.row_id = m.row_id"
                    + " WHERE " + where), params)
                    .map((rs, ctx) -> {
                        float[] v = MemoryRows.vector(rs.getBytes(2));
                        if (v != null && v.length == vector.length) {
                            rows.add(new long[] {rs.getLong(1)});
                            cosines.add(cosine(vector, v));
                        }
                        return null;
                    }).forEach(x -> { });
            Integer[] order = new Integer[rows.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> cosines.get(i)).reversed());
            for (int i = 0; i < Math.min(n, order.length); i++) {
                long rowId = rows.get(order[i])[0];
                double c = cosines.get(order[i]);
                h.createQuery(MemoryRows.SELECT + " WHERE m.row_id = ?").bind(0, rowId)
                        .map((rs, ctx) -> MemoryRows.map(rs)).findOne().ifPresent(s -> out.add(new Near(s, c)));
            }
            return out;
        }
        // A large scope: the collection's graph, walked among this scope's rows only (checked row by row, memoized).
        Map<Long, Boolean> inScope = new HashMap<>();
        List<Object> rowParams = new ArrayList<>(params);
        String rowSql = "SELECT EXISTS (SELECT 1 FROM memories m WHERE m.row_id = ? AND " + where + ")";
        List<Neighbor> found = b.vectors().get().search(vector, n, 64, row -> inScope.computeIfAbsent(row, r -> {
            var q = h.createQuery(rowSql).bind(0, r);
            for (int i = 0; i < rowParams.size(); i++) {
                q.bind(i + 1, rowParams.get(i));
            }
            return q.mapTo(Boolean.class).one();
        }));
        for (Neighbor nb : found) {
            h.createQuery(MemoryRows.SELECT + " WHERE m.row_id = ?").bind(0, nb.label())
                    .map((rs, ctx) -> MemoryRows.map(rs)).findOne()
                    .ifPresent(s -> out.add(new Near(s, nb.score())));
        }
        return out;
    }

    /**
     * The scope's nearest memory if it may reach {@code threshold}. In a large scope, first the graph as it is (not
     * caught up: this write must not pay for putting the previous one into the graph) without a filter, its best 16
     * checked against the scope in one query, plus an exact look at the scope's memories the graph does not hold yet
     * (changed after its position, including this transaction's own). Only when all 16 reach the threshold and none is
     * the scope's (the fact is in many other scopes) does the scope-filtered walk run.
     */
    private List<Near> nearestAtLeast(Handle h, Scope scope, float[] vector, double threshold, long now)
            throws SQLException {
        long count = scopeSize(h, scope);
        if (count <= EXACT_SCAN_LIMIT) {
            return nearest(h, scope, vector, 1, now, count);
        }
        IndexAsIs graph = b.vectorsAsIs().get();
        PreparedStatement behindQuery = b.db().prepared(h, BEHIND);
        behindQuery.setLong(1, b.collectionId());
        behindQuery.setLong(2, graph.position());
        long behind;
        try (ResultSet rs = behindQuery.executeQuery()) {
            rs.next();
            behind = rs.getLong(1);
        }
        if (behind > MAX_BEHIND) {
            b.vectors().get(); // far behind (background indexing off, say): catch up with what is committed
            graph = b.vectorsAsIs().get();
        }
        long[] bestRow = {-1};
        double bestCosine = behind == 0 ? -2 : newest(h, scope, now, vector, graph.position(), bestRow);
        List<Neighbor> top = graph.index().search(vector, UNFILTERED_PROBE, PROBE_EF, null);
        Neighbor inScope = null;
        if (!top.isEmpty()) {
            StringBuilder in = new StringBuilder("[");
            for (Neighbor nb : top) {
                in.append(in.length() == 1 ? "" : ",").append(nb.label()); // row ids: longs we produced
            }
            PreparedStatement q = b.db().prepared(h, IN_SCOPE);
            q.setString(1, in.append(']').toString());
            bindScope(q, scope, 2);
            q.setLong(5, now);
            java.util.Set<Long> kept = new java.util.HashSet<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    kept.add(rs.getLong(1));
                }
            }
            for (Neighbor nb : top) { // best first
                if (kept.contains(nb.label())) {
                    inScope = nb;
                    break;
                }
            }
        }
        boolean hasBest = bestRow[0] >= 0;
        if (inScope != null && (!hasBest || inScope.score() > bestCosine)
                && (!hasBest || inScope.label() != bestRow[0])) {
            if (inScope.score() < threshold) {
                return List.of();
            }
            Neighbor found = inScope;
            return MemoryRows.byRow(b.db(), h, found.label()).map(st -> List.of(new Near(st, found.score())))
                    .orElse(List.of());
        }
        if (hasBest && bestCosine >= threshold) {
            return MemoryRows.byRow(b.db(), h, bestRow[0]).map(st -> List.of(new Near(st, bestCosine)))
                    .orElse(List.of());
        }
        if (inScope != null || top.size() < UNFILTERED_PROBE || top.get(top.size() - 1).score() < threshold) {
            return List.of(); // whatever of the scope is not among them can only be farther
        }
        return nearest(h, scope, vector, 1, now, count);
    }

    /**
     * The nearest of the scope's memories changed after {@code position} (which the graph may not hold): its cosine,
     * its row id put in {@code row} (-1 when there is none). Its row is read only if it is the answer.
     */
    private double newest(Handle h, Scope scope, long now, float[] vector, long position, long[] row)
            throws SQLException {
        PreparedStatement q = b.db().prepared(h, CHANGED_AFTER);
        q.setLong(1, b.collectionId());
        q.setLong(2, position);
        bindScope(q, scope, 3);
        q.setLong(6, now);
        double bestCosine = -2;
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                float[] v = MemoryRows.vector(rs.getBytes(2));
                if (v != null && v.length == vector.length) {
                    double c = cosine(vector, v);
                    if (c > bestCosine) {
                        bestCosine = c;
                        row[0] = rs.getLong(1);
                    }
                }
            }
        }
        return bestCosine;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    // ---------------------------------------------------------------- recall and reads

    @Override
    public List<MemoryHit> recall(Scope scope, String query, int k) {
        return recall(scope, query, k, RecallOptions.defaults());
    }

    @Override
    public List<MemoryHit> recall(Scope scope, String query, int k, RecallOptions o) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(o, "options");
        if (query == null || query.isBlank()) {
            throw new InvalidInputException("query", "the query is empty: give some words to recall by");
        }
        if (k < 1 || k > 1000) {
            throw new InvalidInputException("k", "k must be between 1 and 1000, was " + k);
        }
        long now = System.currentTimeMillis();
        List<Object> params = new ArrayList<>();
        // Joined, not an IN list of the scope's rows: the search checks it on its candidates (issue 12's latency).
        SqlWhere where = SqlWhere.of(b.collectionId(), o.filter())
                .joined("memories", "m", readable(scope, o, now, params), params);
        int candidates = Math.max(4 * k, RecallOptions.MIN_CANDIDATES);
        Query q = new Query(query, null, candidates, 0, SearchMode.HYBRID, where, SearchRequest.DEFAULT_FUSION,
                SearchRequest.DEFAULT_SEMANTIC_WEIGHT, SearchRequest.DEFAULT_RRF_K, null, null, false, null, false);
        List<Hit> hits = b.search().apply(q).hits();
        if (hits.isEmpty()) {
            return List.of();
        }
        String hitIds = jsonArray(hits.stream().map(x -> x.record().id()).toList());
        Map<String, MemoryItem> items = b.db().read(h -> {
            // One statement text whatever the hits, prepared once per connection; no vectors read.
            Map<String, MemoryItem> byId = new HashMap<>();
            try {
                PreparedStatement load = b.db().prepared(h, MemoryRows.BY_IDS_WITHOUT_VECTOR);
                load.setString(1, hitIds);
                try (ResultSet rs = load.executeQuery()) {
                    while (rs.next()) {
                        MemoryItem m = MemoryRows.map(rs).item();
                        byId.put(m.id(), m);
                    }
                }
            } catch (SQLException e) {
                throw new LiteMemException("reading the recalled memories failed: " + e.getMessage(), e);
            }
            return byId;
        });
        List<MemoryHit> ranked = Scoring.rank(hits, items, o, now);
        List<MemoryHit> top = ranked.size() > k ? List.copyOf(ranked.subList(0, k)) : ranked;
        if (o.markAccessed()) {
            List<String> ids = top.stream().map(x -> x.memory().id()).toList();
            b.db().write(h -> h.createUpdate("UPDATE memories SET last_accessed_at = :now WHERE id IN (<ids>)")
                    .bind("now", now).bindList("ids", ids).execute());
        }
        return top;
    }

    /** The SQL over {@code m} of the memories a recall may return. */
    private static String readable(Scope scope, RecallOptions o, long now, List<Object> params) {
        StringBuilder sql = new StringBuilder(MemoryRows.matching(scope, params));
        sql.append(" AND ").append(MemoryRows.VISIBLE);
        params.add(now);
        if (o.asOf() == null) {
            sql.append(" AND m.valid_to IS NULL");
        } else {
            sql.append(" AND m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?)");
            params.add(o.asOf().toEpochMilli());
            params.add(o.asOf().toEpochMilli());
        }
        if (!o.kinds().isEmpty()) {
            sql.append(" AND m.kind IN (").append(String.join(", ", o.kinds().stream().map(x -> "?").toList()))
                    .append(")");
            params.addAll(o.kinds());
        }
        if (o.createdAfter() != null) {
            sql.append(" AND m.valid_from >= ?");
            params.add(o.createdAfter().toEpochMilli());
        }
        if (o.createdBefore() != null) {
            sql.append(" AND m.valid_from < ?");
            params.add(o.createdBefore().toEpochMilli());
        }
        return sql.toString();
    }

    @Override
    public Optional<MemoryItem> get(String id) {
        Objects.requireNonNull(id, "id");
        long now = System.currentTimeMillis();
        return b.db().read(h -> MemoryRows.byId(h, id)).map(MemoryRows.Stored::item).filter(m -> visible(m, now));
    }

    @Override
    public Page<MemoryItem> list(Scope scope, String cursor, int limit) {
        Objects.requireNonNull(scope, "scope");
        if (limit < 1 || limit > 10_000) {
            throw new InvalidInputException("limit", "limit must be between 1 and 10000, was " + limit);
        }
        long now = System.currentTimeMillis();
        List<Object> params = new ArrayList<>();
        String sql = MemoryRows.SELECT + " WHERE " + MemoryRows.matching(scope, params) + " AND m.valid_to IS NULL AND "
                + MemoryRows.VISIBLE;
        params.add(now);
        if (cursor != null) {
            sql += " AND m.id > ?";
            params.add(cursor);
        }
        String query = sql + " ORDER BY m.id LIMIT " + (limit + 1);
        List<MemoryItem> rows = b.db().read(h -> bindAll(h.createQuery(query), params)
                .map((rs, ctx) -> MemoryRows.map(rs).item()).list());
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<MemoryItem> page = rows.subList(0, limit);
        return new Page<>(List.copyOf(page), page.get(limit - 1).id());
    }

    @Override
    public List<MemoryVersion> history(String id) {
        Objects.requireNonNull(id, "id");
        return b.db().read(h -> h.createQuery("SELECT version, memory_id, op, at, actor, before, after, undo_of,"
                        + " undone_by FROM memory_versions WHERE memory_id = ? ORDER BY version").bind(0, id)
                .map((rs, ctx) -> {
                    long undoOf = rs.getLong("undo_of");
                    Long undoOfOrNull = rs.wasNull() ? null : undoOf;
                    long undoneBy = rs.getLong("undone_by");
                    Long undoneByOrNull = rs.wasNull() ? null : undoneBy;
                    return new MemoryVersion(rs.getLong("version"), rs.getString("memory_id"), rs.getString("op"),
                            Instant.ofEpochMilli(rs.getLong("at")), rs.getString("actor"),
                            MemoryRows.parse(rs.getString("before")), MemoryRows.parse(rs.getString("after")),
                            undoOfOrNull, undoneByOrNull);
                }).list());
    }

    // ---------------------------------------------------------------- undo, delete, forget, expiry

    @Override
    public int undo(Scope scope, int n) {
        Objects.requireNonNull(scope, "scope");
        if (n < 1 || n > 10_000) {
            throw new InvalidInputException("n", "n must be between 1 and 10000, was " + n);
        }
        int undone = b.db().write(h -> {
            long now = System.currentTimeMillis();
            List<Object> params = new ArrayList<>();
            String sql = "SELECT version, memory_id, before, before_vector FROM memory_versions m WHERE "
                    + MemoryRows.matching(scope, params) + " AND undone_by IS NULL AND undo_of IS NULL"
                    + " ORDER BY version DESC LIMIT " + n;
            List<Object[]> last = bindAll(h.createQuery(sql), params)
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)})
                    .list();
            try (ChangeLog log = new ChangeLog(h)) {
                for (Object[] v : last) {
                    long version = (Long) v[0];
                    MemoryItem before = MemoryRows.parse((String) v[2]);
                    byte[] beforeVector = (byte[]) v[3];
                    Optional<MemoryRows.Stored> now0 = MemoryRows.byId(h, (String) v[1]);
                    long undo;
                    if (before == null) {
                        if (now0.isEmpty()) {
                            undo = version(h, (String) v[1], scope(h, version), "undo", null, null, null, now, version);
                        } else {
                            MemoryRows.Stored s = now0.get();
                            MemoryRows.delete(h, s.rowId());
                            undo = version(h, s.item().id(), s.item().scope(), "undo", s.item(), s.vector(), null, now,
                                    version);
                            log.log(ENTITY, b.collectionId(), s.item().id(), s.rowId(), "delete", actor(), now, null,
                                    null);
                        }
                    } else if (now0.isPresent()) {
                        MemoryRows.Stored s = now0.get();
                        MemoryRows.update(h, s.rowId(), before, metadataJson(before), beforeVector, null);
                        undo = version(h, before.id(), before.scope(), "undo", s.item(), s.vector(), before, now,
                                version);
                        log.log(ENTITY, b.collectionId(), before.id(), s.rowId(), "update", actor(), now,
                                MemoryRows.json(before), beforeVector != null ? beforeVector : s.vector());
                    } else {
                        long rowId = MemoryRows.insert(b.db(), h, b.collectionId(), before, metadataJson(before),
                                beforeVector);
                        undo = version(h, before.id(), before.scope(), "undo", null, null, before, now, version);
                        log.log(ENTITY, b.collectionId(), before.id(), rowId, "insert", actor(), now,
                                MemoryRows.json(before), beforeVector);
                    }
                    h.createUpdate("UPDATE memory_versions SET undone_by = ? WHERE version = ?").bind(0, undo)
                            .bind(1, version).execute();
                }
            } catch (SQLException e) {
                throw new LiteMemException("undoing failed: " + e.getMessage(), e);
            }
            return last.size();
        });
        if (undone > 0) {
            b.written().run();
        }
        return undone;
    }

    private static Scope scope(Handle h, long version) {
        return h.createQuery("SELECT user_id, agent_id, session_id FROM memory_versions WHERE version = ?")
                .bind(0, version)
                .map((rs, ctx) -> new Scope(emptyToNull(rs.getString(1)), emptyToNull(rs.getString(2)),
                        emptyToNull(rs.getString(3)))).one();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public boolean delete(String id) {
        Objects.requireNonNull(id, "id");
        boolean deleted = b.db().write(h -> {
            Optional<MemoryRows.Stored> s = MemoryRows.byId(h, id);
            if (s.isEmpty()) {
                return false;
            }
            try (ChangeLog log = new ChangeLog(h)) {
                remove(h, log, s.get(), "delete", "delete", System.currentTimeMillis());
            } catch (SQLException e) {
                throw new LiteMemException("deleting a memory failed: " + e.getMessage(), e);
            }
            return true;
        });
        if (deleted) {
            b.written().run();
        }
        return deleted;
    }

    @Override
    public int forget(Scope scope) {
        Objects.requireNonNull(scope, "scope");
        int forgotten = b.db().write(h -> {
            long now = System.currentTimeMillis();
            List<Object> params = new ArrayList<>();
            String matching = MemoryRows.matching(scope, params);
            List<MemoryRows.Stored> all = bindAll(h.createQuery(MemoryRows.SELECT + " WHERE " + matching), params)
                    .map((rs, ctx) -> MemoryRows.map(rs)).list();
            try (ChangeLog log = new ChangeLog(h)) {
                for (MemoryRows.Stored s : all) {
                    remove(h, log, s, null, "delete", now);
                }
            } catch (SQLException e) {
                throw new LiteMemException("forgetting a scope failed: " + e.getMessage(), e);
            }
            // Forgetting is for good: the replaced versions would otherwise keep what was said.
            bindAll(h.createUpdate("DELETE FROM memory_versions AS m WHERE " + matching), params).execute();
            Forgetting.alsoForget(h, scope, actor(), now);
            return all.size();
        });
        if (forgotten > 0) {
            b.written().run();
        }
        return forgotten;
    }

    @Override
    public int expireNow() {
        int total = 0;
        while (true) {
            int n = b.db().write(h -> {
                long now = System.currentTimeMillis();
                List<MemoryRows.Stored> due = h.createQuery(MemoryRows.SELECT + " WHERE m.expires_at <= ? LIMIT "
                        + SWEEP_BATCH).bind(0, now).map((rs, ctx) -> MemoryRows.map(rs)).list();
                try (ChangeLog log = new ChangeLog(h)) {
                    for (MemoryRows.Stored s : due) {
                        expire(h, log, s, now);
                    }
                } catch (SQLException e) {
                    throw new LiteMemException("deleting expired memories failed: " + e.getMessage(), e);
                }
                return due.size();
            });
            total += n;
            if (n < SWEEP_BATCH) {
                break;
            }
        }
        if (total > 0) {
            b.written().run();
        }
        return total;
    }

    // ---------------------------------------------------------------- helpers

    private static String jsonArray(List<String> values) {
        try {
            return Json.MAPPER.writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LiteMemException("cannot write ids as JSON", e);
        }
    }

    private static boolean visible(MemoryItem m, long now) {
        return m.expiresAt() == null || m.expiresAt().toEpochMilli() > now;
    }

    private static void checkText(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field, field + " is empty: give the words to remember");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new InvalidInputException(field, field + " has " + text.length() + " characters; a memory holds at"
                    + " most " + MAX_TEXT_LENGTH + " (store long documents in a collection)");
        }
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindAll(S statement, List<Object> params) {
        for (int i = 0; i < params.size(); i++) {
            statement.bind(i, params.get(i));
        }
        return statement;
    }

    /** A text's vector, through the store's embedding cache. */
    private Embedded embed(Embedder embedder, String text) {
        EmbeddingCache.Result r = EmbeddingCache.embed(embedder, List.of(text),
                hashes -> b.db().read(h -> EmbeddingCache.lookup(b.db(), h, embedder, hashes)));
        float[] v = r.vectors().get(0);
        if (v.length != embedder.dimension()) {
            throw new LiteMemException("the embedder " + embedder.modelId() + " returned " + v.length
                    + " dimensions instead of " + embedder.dimension());
        }
        return new Embedded(v, r);
    }

    private record Embedded(float[] vector, EmbeddingCache.Result cache) {
        void store(Database db, Handle h, Embedder embedder, long now) {
            EmbeddingCache.store(db, h, embedder.modelId(), cache.computed(), now);
        }
    }
}
