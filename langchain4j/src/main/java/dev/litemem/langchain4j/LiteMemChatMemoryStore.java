package dev.litemem.langchain4j;

import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A LangChain4j {@link ChatMemoryStore} in the LiteMem file: one row per memory id in the table
 * {@value #TABLE}, holding the messages as LangChain4j's own JSON ({@link ChatMessageSerializer}), a format version and
 * a CRC-32 of the JSON. A row with another format or a wrong checksum is refused with a {@link LiteMemException},
 * never read as something else. Memory ids are compared by their {@code toString()}.
 *
 * <p>Thread-safe; writes go through the store's single writer. The {@link LiteMem} store stays the caller's to close.
 */
public final class LiteMemChatMemoryStore implements ChatMemoryStore {
    static final String TABLE = "langchain4j_chat_memory";
    static final int FORMAT = 1;
    private final LiteMem store;

    public LiteMemChatMemoryStore(LiteMem store) {
        this.store = Objects.requireNonNull(store, "store");
        store.inTransaction(h -> h.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (memory_id TEXT PRIMARY KEY,"
                + " format INTEGER NOT NULL, messages TEXT NOT NULL, crc32 INTEGER NOT NULL, updated_at INTEGER NOT NULL)"));
    }

    @Override
    public List<ChatMessage> getMessages(Object memoryId) {
        String id = id(memoryId);
        Optional<Row> row = store.withReadHandle(h -> h.createQuery("SELECT format, messages, crc32 FROM " + TABLE
                        + " WHERE memory_id = ?").bind(0, id)
                .map((rs, ctx) -> new Row(rs.getInt(1), rs.getString(2), rs.getLong(3))).findOne());
        if (row.isEmpty()) {
            return List.of();
        }
        Row r = row.get();
        if (r.format != FORMAT) {
            throw new LiteMemException("the chat memory in table " + TABLE + " has format " + r.format + ", which this"
                    + " version of litemem-langchain4j does not read (it reads format " + FORMAT + "): upgrade it");
        }
        if (r.crc32 != crc32(r.messages)) {
            throw new LiteMemException("a chat memory in table " + TABLE + " fails its checksum: the row was changed"
                    + " outside LiteMem or damaged; delete it with deleteMessages to start that memory afresh");
        }
        return ChatMessageDeserializer.messagesFromJson(r.messages);
    }

    /** Replaces the memory's messages, in one transaction. */
    @Override
    public void updateMessages(Object memoryId, List<ChatMessage> messages) {
        String id = id(memoryId);
        ensureNotNull(messages, "messages");
        String json = ChatMessageSerializer.messagesToJson(messages);
        long crc = crc32(json);
        store.inTransaction(h -> h.createUpdate("INSERT INTO " + TABLE + " (memory_id, format, messages, crc32, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (memory_id) DO UPDATE SET format = excluded.format,"
                        + " messages = excluded.messages, crc32 = excluded.crc32, updated_at = excluded.updated_at")
                .bind(0, id).bind(1, FORMAT).bind(2, json).bind(3, crc).bind(4, System.currentTimeMillis()).execute());
    }

    @Override
    public void deleteMessages(Object memoryId) {
        String id = id(memoryId);
        store.inTransaction(h -> h.createUpdate("DELETE FROM " + TABLE + " WHERE memory_id = ?").bind(0, id).execute());
    }

    private static String id(Object memoryId) {
        ensureNotNull(memoryId, "memoryId");
        return memoryId.toString();
    }

    private static long crc32(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private record Row(int format, String messages, long crc32) {
    }
}
