package dev.litemem;

/**
 * The caller passed something LiteMem refuses (a wrong vector dimension, a NaN component, an empty id, metadata that
 * is not a JSON object, ...). Nothing was written. {@link #field()} names the offending part, for example
 * {@code records[3].vector}.
 */
public class InvalidInputException extends LiteMemException {
    private final String field;

    public InvalidInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The offending part of the input, as a path such as {@code records[2].metadata}, or {@code null}. */
    public String field() {
        return field;
    }
}
