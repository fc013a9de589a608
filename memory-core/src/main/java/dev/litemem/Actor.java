package dev.litemem;

import java.util.Objects;

/**
 * Who made a change, and on what authority: recorded with every entry of the change log (and so in the central
 * ledger), so that a change can be traced to the agent or user that made it, the person it acted for, the model that
 * produced it and the permission it acted under.
 *
 * <p>A store has a default actor ({@link LiteMemOptions.Builder#defaultActor(Actor)}); a write can name another
 * through {@link Collection#as(Actor)}.
 *
 * @param id         the agent or user that made the change (required)
 * @param onBehalfOf the user or principal it acted for, or null
 * @param model      the model that produced the change (for example {@code gpt-4o-2024-08-06}), or null
 * @param authority  the permission or scope it acted under (for example {@code crm:write}), or null
 * @param requestId  the request or trace id the change belongs to, or null
 */
public record Actor(String id, String onBehalfOf, String model, String authority, String requestId) {
    /** The longest value any field may have, in characters. */
    public static final int MAX_LENGTH = 256;

    public Actor {
        check("actor.id", Objects.requireNonNull(id, "id"));
        if (id.isBlank()) {
            throw new InvalidInputException("actor.id", "actor.id is empty: name the agent or user that makes the change");
        }
        check("actor.onBehalfOf", onBehalfOf);
        check("actor.model", model);
        check("actor.authority", authority);
        check("actor.requestId", requestId);
    }

    /** An actor known only by its id. */
    public static Actor of(String id) {
        return new Actor(id, null, null, null, null);
    }

    public Actor withOnBehalfOf(String onBehalfOf) {
        return new Actor(id, onBehalfOf, model, authority, requestId);
    }

    public Actor withModel(String model) {
        return new Actor(id, onBehalfOf, model, authority, requestId);
    }

    public Actor withAuthority(String authority) {
        return new Actor(id, onBehalfOf, model, authority, requestId);
    }

    public Actor withRequestId(String requestId) {
        return new Actor(id, onBehalfOf, model, authority, requestId);
    }

    private static void check(String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidInputException(field, field + " has " + value.length() + " characters; at most " + MAX_LENGTH
                    + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidInputException(field, field + " holds a control character at position " + i
                        + ": use printable text");
            }
        }
    }
}
