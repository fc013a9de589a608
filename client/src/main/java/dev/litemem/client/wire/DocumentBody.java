package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * {@code POST .../documents} as JSON: the document's name (its records' source), its text (Markdown, text or HTML by
 * the name's extension) and metadata for every chunk.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DocumentBody(String source, String text, Map<String, Object> metadata) {
}
