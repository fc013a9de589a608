package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A page of {@code GET .../records}, in id order; {@code nextCursor} is null on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecordList(List<RecordJson> records, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {
}
