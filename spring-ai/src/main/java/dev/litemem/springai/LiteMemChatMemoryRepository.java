package dev.litemem.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.AbstractMessage;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.util.Assert;

/**
 * A Spring AI {@link ChatMemoryRepository} in the LiteMem file: one row per conversation in the table {@value #TABLE},
 * holding its messages as a JSON array (type, text, metadata, tool calls, tool responses; media is not kept), a format
 * version and a CRC-32 of the JSON. Spring AI has no message serializer of its own, so the JSON is this class's
 * format, version {@value #FORMAT}. A row with another format or a wrong checksum is refused with a
 * {@link LiteMemException}, never read as something else.
 *
 * <p>Thread-safe; writes go through the store's single writer. The {@link LiteMem} store stays the caller's to close.
 */
public final class LiteMemChatMemoryRepository implements ChatMemoryRepository {
    static final String TABLE = "spring_ai_chat_memory";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LiteMem store;

    public LiteMemChatMemoryRepository(LiteMem store) {
        this.store = Objects.requireNonNull(store, "store");
        store.inTransaction(h -> h.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (conversation_id TEXT PRIMARY KEY,"
                + " format INTEGER NOT NULL, messages TEXT NOT NULL, crc32 INTEGER NOT NULL, updated_at INTEGER NOT NULL)"));
    }

    @Override
    public List<String> findConversationIds() {
        return store.withReadHandle(h -> h.createQuery("SELECT conversation_id FROM " + TABLE + " ORDER BY conversation_id")
                .mapTo(String.class).list());
    }

    @Override
    public List<Message> findByConversationId(String conversationId) {
        Assert.hasText(conversationId, "conversationId cannot be null or empty");
        Optional<Row> row = store.withReadHandle(h -> h.createQuery("SELECT format, messages, crc32 FROM " + TABLE
                        + " WHERE conversation_id = ?").bind(0, conversationId)
                .map((rs, ctx) -> new Row(rs.getInt(1), rs.getString(2), rs.getLong(3))).findOne());
        if (row.isEmpty()) {
            return List.of();
        }
        Row r = row.get();
        if (r.format != FORMAT) {
            throw new LiteMemException("a conversation in table " + TABLE + " has format " + r.format + ", which this"
                    + " version of litemem-spring-ai does not read (it reads format " + FORMAT + "): upgrade it");
        }
        if (r.crc32 != crc32(r.messages)) {
            throw new LiteMemException("a conversation in table " + TABLE + " fails its checksum: the row was changed"
                    + " outside LiteMem or damaged; delete it with deleteByConversationId to start it afresh");
        }
        try {
            List<StoredMessage> stored = JSON.readValue(r.messages, new TypeReference<List<StoredMessage>>() {
            });
            List<Message> messages = new ArrayList<>(stored.size());
            for (StoredMessage m : stored) {
                messages.add(m.toMessage());
            }
            return messages;
        } catch (JsonProcessingException e) {
            throw new LiteMemException("a conversation in table " + TABLE + " is not readable JSON of format " + FORMAT
                    + ": delete it with deleteByConversationId", e);
        }
    }

    /** Replaces the conversation's messages, in one transaction. */
    @Override
    public void saveAll(String conversationId, List<Message> messages) {
        Assert.hasText(conversationId, "conversationId cannot be null or empty");
        Assert.notNull(messages, "messages cannot be null");
        Assert.noNullElements(messages, "messages cannot contain null elements");
        List<StoredMessage> stored = new ArrayList<>(messages.size());
        for (Message m : messages) {
            stored.add(StoredMessage.of(m));
        }
        String json;
        try {
            json = JSON.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("the messages' metadata cannot be written as JSON (" + e.getOriginalMessage()
                    + "): keep strings, numbers, booleans, lists and maps in message metadata", e);
        }
        long crc = crc32(json);
        store.inTransaction(h -> h.createUpdate("INSERT INTO " + TABLE + " (conversation_id, format, messages, crc32,"
                        + " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET"
                        + " format = excluded.format, messages = excluded.messages, crc32 = excluded.crc32,"
                        + " updated_at = excluded.updated_at")
                .bind(0, conversationId).bind(1, FORMAT).bind(2, json).bind(3, crc).bind(4, System.currentTimeMillis())
                .execute());
    }

    @Override
    public void deleteByConversationId(String conversationId) {
        Assert.hasText(conversationId, "conversationId cannot be null or empty");
        store.inTransaction(h -> h.createUpdate("DELETE FROM " + TABLE + " WHERE conversation_id = ?")
                .bind(0, conversationId).execute());
    }

    private static long crc32(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private record Row(int format, String messages, long crc32) {
    }

    /** One message as stored; the message type is its own field, not a metadata entry. */
    record StoredMessage(String type, String text, Map<String, Object> metadata, List<AssistantMessage.ToolCall> toolCalls,
                         List<ToolResponseMessage.ToolResponse> toolResponses) {

        static StoredMessage of(Message m) {
            Map<String, Object> metadata = new LinkedHashMap<>(m.getMetadata());
            metadata.remove(AbstractMessage.MESSAGE_TYPE);
            List<AssistantMessage.ToolCall> calls = m instanceof AssistantMessage a ? a.getToolCalls() : List.of();
            List<ToolResponseMessage.ToolResponse> responses = m instanceof ToolResponseMessage t ? t.getResponses() : List.of();
            return new StoredMessage(m.getMessageType().name(), m.getText(), metadata, calls, responses);
        }

        Message toMessage() {
            Map<String, Object> meta = metadata == null ? Map.of() : metadata;
            return switch (MessageType.valueOf(type)) {
                case USER -> UserMessage.builder().text(text).metadata(meta).build();
                case SYSTEM -> SystemMessage.builder().text(text).metadata(meta).build();
                case ASSISTANT -> AssistantMessage.builder().content(text).properties(meta)
                        .toolCalls(toolCalls == null ? List.of() : toolCalls).build();
                case TOOL -> ToolResponseMessage.builder().responses(toolResponses == null ? List.of() : toolResponses)
                        .metadata(meta).build();
            };
        }
    }
}
