package dev.litemem.memory;

import java.util.List;
import java.util.Objects;

/**
 * What to do with a new memory that is close to, but not a near-duplicate of, memories its scope already holds (an
 * exact repeat and a near-duplicate are never stored twice, whatever the policy says). The default,
 * {@link #KEEP_BOTH}, adds it. An application can decide with its own model: update one of them to the new text,
 * delete one the new text contradicts, or do nothing.
 *
 * <p>The policy runs before the write transaction (so a slow decision never holds the file's write lock); its decision
 * is applied inside it only if its target is still a current memory of the scope, otherwise the new text is added.
 */
@FunctionalInterface
public interface ConsolidationPolicy {
    /** Adds the new memory beside the similar ones. */
    ConsolidationPolicy KEEP_BOTH = (text, scope, similar) -> Decision.add();

    /**
     * @param similar the scope's current memories nearest to the new text, most similar first, none of them a
     *                near-duplicate; never empty
     */
    Decision decide(String text, Scope scope, List<Similar> similar);

    /** A memory of the scope and its cosine with the new text. */
    record Similar(MemoryItem memory, double similarity) {
    }

    enum Action { ADD, UPDATE, DELETE, NOTHING }

    /**
     * @param target the memory to update, delete or keep (null for ADD)
     * @param text   for UPDATE, the memory's new text (null: the new memory's text)
     */
    record Decision(Action action, String target, String text) {
        public Decision {
            Objects.requireNonNull(action, "action");
            if (action != Action.ADD) {
                Objects.requireNonNull(target, "target");
            }
        }

        public static Decision add() {
            return new Decision(Action.ADD, null, null);
        }

        public static Decision update(String target, String text) {
            return new Decision(Action.UPDATE, target, text);
        }

        public static Decision delete(String target) {
            return new Decision(Action.DELETE, target, null);
        }

        public static Decision nothing(String target) {
            return new Decision(Action.NOTHING, target, null);
        }
    }
}
