package dev.litemem.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.CollectionInfo;
import dev.litemem.Hit;
import dev.litemem.Record;

/** The JSON shapes the API answers with. */
final class Views {
    private Views() {
    }

    static ObjectNode object() {
        return Bodies.JSON.createObjectNode();
    }

    static ObjectNode record(Record r, boolean withVector) {
        ObjectNode o = object();
        o.put("id", r.id());
        if (r.text() != null) {
            o.put("text", r.text());
        }
        o.set("metadata", Bodies.JSON.valueToTree(r.metadata()));
        if (r.source() != null) {
            o.put("source", r.source());
            if (r.chunk() != null) {
                o.put("chunk", r.chunk());
            }
        }
        if (r.createdAt() != null) {
            o.put("createdAt", r.createdAt().toString());
        }
        if (r.updatedAt() != null) {
            o.put("updatedAt", r.updatedAt().toString());
        }
        if (withVector && r.hasVector()) {
            o.set("vector", vector(r.vector()));
        }
        return o;
    }

    /** A hit: the record's fields and its score. Explanation fields of the coming search modes go here. */
    static ObjectNode hit(Hit h, boolean withVector) {
        ObjectNode o = object();
        o.put("id", h.record().id());
        o.put("score", h.score());
        ObjectNode r = record(h.record(), withVector);
        r.remove("id");
        o.setAll(r);
        return o;
    }

    static ArrayNode vector(float[] v) {
        ArrayNode a = Bodies.JSON.createArrayNode();
        for (float x : v) {
            a.add(x);
        }
        return a;
    }

    static ObjectNode collection(CollectionInfo info, Long count) {
        ObjectNode o = object();
        o.put("name", info.name());
        o.put("model", info.spec().model());
        o.put("dimension", info.spec().dimension());
        o.put("metric", info.spec().metric().id());
        o.put("createdAt", info.createdAt().toString());
        if (count != null) {
            o.put("count", count);
        }
        return o;
    }
}
