package dev.litemem.springai.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The starter's settings, under {@code litemem.*}. */
@ConfigurationProperties(prefix = LiteMemProperties.PREFIX)
public class LiteMemProperties {
    public static final String PREFIX = "litemem";

    /** The LiteMem file (created on first use). */
    private String path = "litemem.db";
    /** The collection the vector store keeps its documents in. */
    private String collection = "documents";
    /** The bundled embedding model (all-minilm-l6-v2 by default; bge-small-en-v1.5 when its artifact is added). */
    private String model;

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getCollection() {
        return collection;
    }

    public void setCollection(String collection) {
        this.collection = collection;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }
}
