package dev.litemem.internal.store;

import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import dev.litemem.StoreBusyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * The connections to one LiteMem file: one writer, used by one thread at a time under {@link #writerLock}, and a pool
 * of read-only readers. Every operation holds the lifecycle read lock, and {@link #close()} takes the write lock, so a
 * connection is never closed while another thread uses it. See docs/CONCURRENCY.md.
 */
public final class Database implements AutoCloseable {
    /**
     * How much of a file each connection maps into memory for reads: address space, not memory (SQLite maps no more
     * than the file's size), so a search's hits, random rows, are read without a read() call and a copy each.
     */
    static final long MMAP_BYTES = 4L << 30;
    private final Path file;
    private final LiteMemOptions options;
    private final Connection writer;
    private final List<Connection> readers = new ArrayList<>();
    private final BlockingQueue<Connection> idleReaders;
    private final ConnectionFactory writerSource;
    private final ConnectionFactory readerSource;
    /** Set by {@link #onStatement}: given to every handle opened from then on. */
    private volatile SqlLogger statementLogger;
    private final ReentrantLock writerLock = new ReentrantLock();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ThreadLocal<Handle> currentWrite = new ThreadLocal<>();
    private final ThreadLocal<Deferred> deferred = new ThreadLocal<>();
    private final ThreadLocal<java.util.List<Runnable>> rollbackActions = new ThreadLocal<>();
    private final Maintenance.Tasks maintenance;
    private volatile boolean closed;
    private volatile Consumer<String> statementListener;
    /** Statements kept prepared per connection (a connection is used by one thread at a time); see {@link #prepared}. */
    private final java.util.Map<Connection, java.util.Map<String, java.sql.PreparedStatement>> preparedStatements =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Set once reads and writes met: reads use reader connections from then on (see {@link #onReader}). */
    private volatile boolean readersWanted;
    /** Derived in-memory state kept per open file (see {@link #attachment}), closed with it. */
    private final java.util.Map<Class<?>, AutoCloseable> attachments = new java.util.concurrent.ConcurrentHashMap<>();

    private Database(Path file, LiteMemOptions options, int schemaVersion) {
        this.file = file;
        this.options = options;
        this.maintenance = Maintenance.shared().forStore(file.getFileName().toString());
        FileCheck.State state = FileCheck.check(file, options.createIfMissing());
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && state == FileCheck.State.NEW) {
                Files.createDirectories(parent);
            }
            this.writer = connect(false);
            this.writerSource = new SharedConnection(writer);
            try (Handle h = handle(writerSource)) {
                Migrations.migrate(h, file, schemaVersion);
            }
            // Readers open on demand, up to readerConnections: a store read by one thread at a time (most tenants of
            // a server) holds two connections, not 1 + readerConnections.
            this.idleReaders = new ArrayBlockingQueue<>(options.readerConnections());
            this.readerSource = new PooledReaders();
        } catch (SQLException | java.io.IOException e) {
            closeQuietly();
            throw new LiteMemException("cannot open " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    public static Database open(Path file, LiteMemOptions options) {
        return new Database(file, options, Schema.CURRENT_VERSION);
    }

    /** Opens a file migrated only up to {@code schemaVersion}: for migration tests. */
    static Database openAtVersion(Path file, LiteMemOptions options, int schemaVersion) {
        return new Database(file, options, schemaVersion);
    }

    public Path file() {
        return file;
    }

    /**
     * This file's handle on the process's shared maintenance threads: schedule periodic or deferred work on the file
     * here (never a thread of your own). Closed, and so stopped, before the connections close.
     */
    public Maintenance.Tasks maintenance() {
        return maintenance;
    }

    private Connection connect(boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        if (readOnly) {
            config.setReadOnly(true);
            config.setOpenMode(SQLiteOpenMode.READONLY);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(options.durability().pragmaValue()));
            config.enforceForeignKeys(true);
        }
        Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            // Reads map the file instead of copying pages through read() calls: a search's hits are random rows.
            s.execute("PRAGMA mmap_size = " + MMAP_BYTES);
            // Explicit BEGIN IMMEDIATE / COMMIT on an auto-commit connection: with auto-commit off, sqlite-jdbc opens
            // the next transaction right after every commit and would hold the write lock while idle.
            if (!readOnly) {
                s.execute("PRAGMA foreign_keys = ON");
            }
        }
        return c;
    }

    /**
     * A handle on a connection of {@code source}, from the process's one Jdbi: its configuration is not built again
     * per file, and parsed SQL is cached for every file (both were most of the CPU a cold tenant cost).
     */
    private Handle handle(ConnectionFactory source) {
        Handle h = SharedSql.open(source);
        SqlLogger logger = statementLogger;
        if (logger != null) {
            h.getConfig(SqlStatements.class).setSqlLogger(logger);
        }
        return h;
    }

    /**
     * Runs {@code work} in a write transaction (BEGIN IMMEDIATE ... COMMIT) on the writer connection, or inside the
     * transaction this thread already runs. Writes from all threads are serialized; other processes wait up to the
     * busy timeout.
     */
    public <T> T write(Function<Handle, T> work) {
        enter();
        try {
            Handle joined = currentWrite.get();
            Deferred deferred = this.deferred.get();
            if (joined != null) {
                if (deferred != null && deferred.handle == joined && deferred.depth == 0) {
                    return inSavepoint(deferred, work);
                }
                return work.apply(joined);
            }
            if (deferred != null) {
                return inSavepoint(deferred.begin(), work);
            }
            lockWriter();
            try (Handle handle = handle(writerSource)) {
                execute(handle, "BEGIN IMMEDIATE");
                currentWrite.set(handle);
                boolean committed = false;
                try {
                    T result = work.apply(handle);
                    execute(handle, "COMMIT");
                    committed = true;
                    signalCommit();
                    return result;
                } finally {
                    currentWrite.remove();
                    if (!committed) {
                        rollback(handle);
                        runRollbackActions(0);
                    }
                    rollbackActions.remove();
                }
            } finally {
                writerLock.unlock();
            }
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            exit();
        }
    }

    private void lockWriter() {
        if (!writerLock.tryLock()) {
            readersWanted = true; // a read may hold the writer: from now on reads get connections of their own
            writerLock.lock();
        }
    }

    /**
     * Registers what undoes an in-memory effect of the calling thread's write transaction (a cache entry made for a row
     * it wrote) if that transaction rolls back; forgotten when it commits. Outside a write transaction: ignored.
     */
    public void onRollback(Runnable undo) {
        if (currentWrite.get() != null) {
            java.util.List<Runnable> actions = rollbackActions.get();
            if (actions == null) {
                actions = new ArrayList<>();
                rollbackActions.set(actions);
            }
            actions.add(undo);
        }
    }

    private void runRollbackActions(int from) {
        java.util.List<Runnable> actions = rollbackActions.get();
        if (actions == null) {
            return;
        }
        // Newest first, as the writes were undone.
        for (int i = actions.size() - 1; i >= from; i--) {
            actions.remove(i).run();
        }
    }

    /**
     * Runs {@code work} with every write of the calling thread to this file deferred into ONE transaction: it opens
     * at the work's first write (BEGIN IMMEDIATE, then {@code atBegin} on it), every later write joins it (each in a
     * savepoint, so a write that fails undoes only itself, as it would alone), and it commits after the work returned
     * and {@code beforeCommit} ran on it (opening it then if the work wrote nothing). What the work does before its
     * first write (embedding, a consolidation policy's model call) holds no lock. If the work or either callback
     * throws, everything rolls back and the exception propagates.
     */
    public <T> T deferCommit(java.util.function.Consumer<Handle> atBegin, java.util.function.Supplier<T> work,
                             java.util.function.BiConsumer<Handle, T> beforeCommit) {
        if (currentWrite.get() != null || deferred.get() != null) {
            throw new LiteMemException("a deferred transaction cannot start inside another transaction of this file");
        }
        Deferred d = new Deferred(atBegin);
        deferred.set(d);
        boolean committed = false;
        try {
            T result = work.get();
            enter();
            try {
                if (d.handle == null) {
                    d.begin();
                }
                beforeCommit.accept(d.handle, result);
                execute(d.handle, "COMMIT");
                committed = true;
                signalCommit();
            } catch (RuntimeException e) {
                throw translate(e);
            } finally {
                exit();
            }
            return result;
        } finally {
            deferred.remove();
            if (d.handle != null) {
                currentWrite.remove();
                try {
                    if (!committed) {
                        rollback(d.handle);
                        runRollbackActions(0);
                    }
                } finally {
                    rollbackActions.remove();
                    d.handle.close();
                    writerLock.unlock();
                }
            }
        }
    }

    private <T> T inSavepoint(Deferred d, Function<Handle, T> work) {
        Handle h = d.handle;
        java.util.List<Runnable> actions = rollbackActions.get();
        int mark = actions == null ? 0 : actions.size();
        execute(h, "SAVEPOINT deferred_write");
        d.depth++;
        boolean released = false;
        try {
            T result = work.apply(h);
            execute(h, "RELEASE deferred_write");
            released = true;
            return result;
        } finally {
            d.depth--;
            if (!released) {
                execute(h, "ROLLBACK TO deferred_write");
                execute(h, "RELEASE deferred_write");
                runRollbackActions(mark);
            }
        }
    }

    /** A thread's transaction of {@link #deferCommit}: not begun until its first write. */
    private final class Deferred {
        private final java.util.function.Consumer<Handle> atBegin;
        private Handle handle;
        private int depth;

        Deferred(java.util.function.Consumer<Handle> atBegin) {
            this.atBegin = atBegin;
        }

        Deferred begin() {
            lockWriter();
            Handle h = null;
            try {
                h = handle(writerSource);
                execute(h, "BEGIN IMMEDIATE");
            } catch (RuntimeException e) {
                if (h != null) {
                    h.close();
                }
                writerLock.unlock();
                throw e;
            }
            handle = h;
            currentWrite.set(h);
            depth++; // atBegin runs in the transaction itself, not in a savepoint of it
            try {
                atBegin.accept(h);
            } finally {
                depth--;
            }
            return this;
        }
    }

    private final Object commits = new Object();
    private long commitCount;

    private void signalCommit() {
        synchronized (commits) {
            commitCount++;
            commits.notifyAll();
        }
    }

    /** How many write transactions this instance has committed: pass it to {@link #awaitCommit}. */
    public long commitCount() {
        synchronized (commits) {
            return commitCount;
        }
    }

    /**
     * Waits until this instance commits a write transaction after {@code seen} was read from {@link #commitCount}, or
     * it closes, or {@code timeoutNanos} pass (writes of other processes wake no one here: callers bound the wait and
     * look again). Returns the commit count.
     */
    public long awaitCommit(long seen, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (commits) {
            while (commitCount == seen && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                commits.wait(Math.max(1, left / 1_000_000));
            }
            return commitCount;
        }
    }

    /** Runs {@code work} on a read-only connection, or inside this thread's write transaction if it runs one. */
    public <T> T read(Function<Handle, T> work) {
        enter();
        try {
            Handle joined = currentWrite.get();
            if (joined != null) {
                return work.apply(joined);
            }
            return onReader(work, false);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            exit();
        }
    }

    /**
     * Runs {@code work} on a reader, or on the idle writer while this store has never needed a reader: a store read
     * by one thread at a time (a cold tenant's first query, most tenants of a server) then opens one connection, not
     * two, which halves the cost of opening it and its file descriptors. The first time a read finds the writer busy,
     * or a write finds it lent to a read, readers open (up to readerConnections) and are used from then on. Work
     * that may be long or is the caller's own ({@code readersOnly}) always gets a reader, so writers never wait for it.
     */
    private <T> T onReader(Function<Handle, T> work, boolean readersOnly) {
        if (!readersOnly && !readersWanted && currentWrite.get() == null && writerLock.tryLock()) {
            try (Handle handle = handle(writerSource)) {
                return work.apply(handle);
            } finally {
                writerLock.unlock();
            }
        }
        readersWanted = true;
        try (Handle handle = handle(readerSource)) {
            return work.apply(handle);
        }
    }

    /**
     * A statement of {@code sql} prepared once on {@code handle}'s connection and kept for its next uses there: for the
     * statements every search runs (preparing one costs about what reading ten rows does). The caller binds every
     * parameter and closes each result set; it must not close the statement. Closed with the connections.
     */
    public java.sql.PreparedStatement prepared(Handle handle, String sql) throws SQLException {
        Consumer<String> listener = statementListener;
        if (listener != null) {
            listener.accept(sql); // each use runs the statement once
        }
        Connection connection = handle.getConnection();
        java.util.Map<String, java.sql.PreparedStatement> statements =
                preparedStatements.computeIfAbsent(connection, c -> new java.util.HashMap<>());
        java.sql.PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement); // the connection is this thread's until the handle closes
        }
        return statement;
    }

    /** Like {@link #read}, always on a read-only connection: for the caller's own code and long reads. */
    public <T> T readOnly(Function<Handle, T> work) {
        enter();
        try {
            Handle joined = currentWrite.get();
            if (joined != null) {
                return work.apply(joined);
            }
            return onReader(work, true);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            exit();
        }
    }

    /**
     * Runs {@code work} on a read-only connection even inside this thread's write transaction: it sees committed data
     * only. Derived state (the vector index) must never be built from changes that may still roll back.
     */
    public <T> T readCommitted(Function<Handle, T> work) {
        return readCommitted(work, false);
    }

    private <T> T readCommitted(Function<Handle, T> work, boolean readersOnly) {
        enter();
        try {
            return onReader(work, readersOnly);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            exit();
        }
    }

    /**
     * Copies the last commit into {@code target} (an empty or absent file) with {@code VACUUM INTO} on a read-only
     * connection, so writers go on meanwhile; SQLite keeps an existing empty file's mode.
     */
    public void copyInto(Path target) {
        readCommitted(h -> h.execute("VACUUM INTO ?", target.toAbsolutePath().toString()), true);
    }

    /** Like {@link #readCommitted} inside one read transaction: every statement sees the same snapshot. */
    public <T> T readSnapshot(Function<Handle, T> work) {
        return readCommitted(h -> {
            h.execute("BEGIN");
            try {
                return work.apply(h);
            } finally {
                h.execute("COMMIT");
            }
        });
    }

    /**
     * Tells {@code listener} the SQL text of every statement run on this file's connections from now on (the text
     * only: bound values never reach it). For tests and diagnostics.
     */
    public void onStatement(Consumer<String> listener) {
        SqlLogger logger = new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                listener.accept(context.getRenderedSql());
            }
        };
        statementLogger = logger;
        statementListener = listener;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Whether the calling thread is inside a write transaction. */
    public boolean inWriteTransaction() {
        return currentWrite.get() != null;
    }

    private void execute(Handle handle, String sql) {
        handle.execute(sql);
    }

    private void rollback(Handle handle) {
        try {
            handle.execute("ROLLBACK");
        } catch (RuntimeException e) {
            // The transaction may already be gone (SQLite rolls back on some errors); the original error is what counts.
            if (!String.valueOf(e.getCause()).contains("no transaction is active")) {
                throw e;
            }
        }
    }

    private void enter() {
        lifecycle.readLock().lock();
        if (closed) {
            lifecycle.readLock().unlock();
            throw new LiteMemException("the LiteMem store " + file + " is closed: open it again with LiteMem.open");
        }
    }

    private void exit() {
        lifecycle.readLock().unlock();
    }

    private RuntimeException translate(RuntimeException e) {
        if (e instanceof LiteMemException) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s && (s.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
                    || s.getResultCode().name().startsWith("SQLITE_BUSY") || s.getResultCode() == SQLiteErrorCode.SQLITE_LOCKED)) {
                return new StoreBusyException(file + " stayed locked by another writer (another process?) for longer than"
                        + " the busy timeout of " + options.busyTimeout().toMillis() + " ms; nothing was written: retry, or"
                        + " open the store with a longer busyTimeout", e);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return new LiteMemException("SQLite failed on " + file + ": " + s.getMessage(), e);
            }
        }
        return e;
    }

    /**
     * This file's one {@code type} of derived in-memory state (an in-memory keyword index), created by {@code create} on
     * first use; closed, so its memory released, when the file closes (after the maintenance tasks that may build it).
     */
    public <T extends AutoCloseable> T attachment(Class<T> type, java.util.function.Supplier<T> create) {
        return type.cast(attachments.computeIfAbsent(type, t -> create.get()));
    }

    @Override
    public void close() {
        if (lifecycle.getReadHoldCount() > 0) {
            throw new IllegalStateException("close() was called from inside an operation on the same store");
        }
        maintenance.close(); // waits for a running task, which may still use the connections
        for (AutoCloseable attached : attachments.values()) {
            try {
                attached.close();
            } catch (Exception e) {
                throw new LiteMemException("closing derived state of " + file + " failed: " + e.getMessage(), e);
            }
        }
        attachments.clear();
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly();
            signalCommit(); // wakes waiters of awaitCommit: they look again and find the store closed
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void closeQuietly() {
        SQLException failure = null;
        for (java.util.Map<String, java.sql.PreparedStatement> statements : preparedStatements.values()) {
            for (java.sql.PreparedStatement statement : statements.values()) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    failure = failure == null ? e : failure; // the connections' close reports what matters
                }
            }
        }
        preparedStatements.clear();
        synchronized (readers) {
            for (Connection c : readers) {
                failure = closeCollecting(c, failure);
            }
        }
        if (writer != null) {
            failure = closeCollecting(writer, failure);
        }
        if (failure != null) {
            throw new LiteMemException("closing " + file + " failed: " + failure.getMessage(), failure);
        }
    }

    private static SQLException closeCollecting(Connection c, SQLException failure) {
        try {
            c.close();
        } catch (SQLException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }

    /** The writer: Jdbi handles borrow it; only {@link Database#close()} closes it. */
    private static final class SharedConnection implements ConnectionFactory {
        private final Connection connection;

        SharedConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection openConnection() {
            return connection;
        }

        @Override
        public void closeConnection(Connection toClose) {
            // Owned by Database.
        }
    }

    /** Readers: a handle takes an idle reader and gives it back when closed. */
    private final class PooledReaders implements ConnectionFactory {
        @Override
        public Connection openConnection() throws SQLException {
            Connection idle = idleReaders.poll();
            if (idle != null) {
                return idle;
            }
            synchronized (readers) {
                if (readers.size() < options.readerConnections()) {
                    Connection reader = connect(true);
                    readers.add(reader);
                    return reader;
                }
            }
            try {
                return idleReaders.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LiteMemException("interrupted while waiting for a reader connection to " + file, e);
            }
        }

        @Override
        public void closeConnection(Connection toClose) {
            idleReaders.add(toClose);
        }
    }
}
