package dev.litemem.memory;

import dev.litemem.InvalidInputException;

/**
 * Whose memory: a user, an agent and a session (a run), each optional but at least one given. Stored as indexed
 * columns, not as free metadata.
 *
 * <p>As a <em>memory's</em> scope, the ids are exact: {@code forUser("alice")} and
 * {@code forUser("alice").withSession("s1")} are two different scopes, each with its own copies of a fact. As the scope
 * of a <em>read</em> (recall, list, undo, forget), the ids given must match and the ids left out match anything:
 * {@code forUser("alice")} reads every memory of Alice, whatever agent or session wrote it, and never one of another
 * user; {@code forUser("alice").withSession("s1")} reads only that session's.
 *
 * @param user    the user's id, or null
 * @param agent   the agent's id, or null
 * @param session the session's (run's) id, or null
 */
public record Scope(String user, String agent, String session) {
    /** The longest id, in characters. */
    public static final int MAX_ID_LENGTH = 256;

    public Scope {
        check("user", user);
        check("agent", agent);
        check("session", session);
        if (user == null && agent == null && session == null) {
            throw new InvalidInputException("scope", "a scope needs at least one of user, agent and session: name whose"
                    + " memory it is");
        }
    }

    public static Scope of(String user, String agent, String session) {
        return new Scope(user, agent, session);
    }

    public static Scope forUser(String user) {
        return new Scope(user, null, null);
    }

    public static Scope forAgent(String agent) {
        return new Scope(null, agent, null);
    }

    public static Scope forSession(String session) {
        return new Scope(null, null, session);
    }

    public Scope withUser(String user) {
        return new Scope(user, agent, session);
    }

    public Scope withAgent(String agent) {
        return new Scope(user, agent, session);
    }

    public Scope withSession(String session) {
        return new Scope(user, agent, session);
    }

    private static void check(String field, String id) {
        if (id == null) {
            return;
        }
        if (id.isBlank()) {
            throw new InvalidInputException(field, field + " is empty: give an id, or leave it out");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidInputException(field, field + " has " + id.length() + " characters; at most "
                    + MAX_ID_LENGTH + " are allowed");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new InvalidInputException(field, field + " holds a control character at position " + i
                        + ": use printable text");
            }
        }
    }
}
