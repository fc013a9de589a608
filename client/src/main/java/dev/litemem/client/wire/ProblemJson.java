package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Every error answer ({@code application/problem+json}, RFC 9457): {@code title} is the stable problem type (for
 * example {@code invalid-input}, {@code collection-not-found}), {@code detail} says what to do, and {@code field} names
 * the offending part of the request where there is one ({@code records[2].vector}, {@code where.year.$gt}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"type", "title", "status", "detail", "field"})
public record ProblemJson(String type, String title, int status, String detail, String field) {
    public static final String TYPE_PREFIX = "https://litemem.dev/problems/";

    /** @param type the stable problem type, for example {@code invalid-input} */
    public static ProblemJson of(String type, int status, String detail, String field) {
        return new ProblemJson(TYPE_PREFIX + type, type, status, detail, field);
    }
}
