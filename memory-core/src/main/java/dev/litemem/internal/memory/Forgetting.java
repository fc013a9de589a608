package dev.litemem.internal.memory;

import dev.litemem.Actor;
import dev.litemem.memory.Scope;
import dev.litemem.internal.store.ChangeLog;
import dev.litemem.LiteMemException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** What forgetting a scope removes besides its memories: the scope's work state. */
public final class Forgetting {
    private Forgetting() {
    }

    public static void alsoForget(Handle h, Scope scope, Actor actor, long now) {
        List<Object> params = new ArrayList<>();
        String where = MemoryRows.matching(scope, params);
        var q = h.createQuery("DELETE FROM work_state AS m WHERE " + where + " RETURNING user_id, agent_id, session_id, key");
        for (int i = 0; i < params.size(); i++) {
            q.bind(i, params.get(i));
        }
        List<String> keys = q.map((rs, ctx) -> stateKey(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4))).list();
        try (ChangeLog log = new ChangeLog(h)) {
            for (String key : keys) {
                log.log("state", null, key, null, "delete", actor, now, null, null);
            }
        } catch (SQLException e) {
            throw new LiteMemException("forgetting the scope's work state failed: " + e.getMessage(), e);
        }
    }

    /**
     * A state entry's key in the change log: a JSON array of its scope's ids ("" when not given) and its key, so that
     * entries of two scopes never collide.
     */
    public static String stateKey(String user, String agent, String session, String key) {
        try {
            return dev.litemem.internal.store.Json.MAPPER.writeValueAsString(List.of(user, agent, session, key));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LiteMemException("cannot write a state key as JSON", e);
        }
    }
}
