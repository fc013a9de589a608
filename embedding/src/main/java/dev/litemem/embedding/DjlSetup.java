package dev.litemem.embedding;

import ai.djl.engine.Engine;

/** Puts DJL in offline mode and starts its ONNX Runtime engine before anything else can create the ORT environment. */
final class DjlSetup {
    static final String ENGINE = "OnnxRuntime";
    private static volatile boolean started;

    private DjlSetup() {
    }

    static void ensureEngine() {
        if (started) {
            return;
        }
        synchronized (DjlSetup.class) {
            if (started) {
                return;
            }
            // Without offline mode DJL's tokenizer start-up phones home; an explicit user setting wins.
            if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            try {
                Engine.getEngine(ENGINE);
            } catch (RuntimeException | LinkageError e) {
                throw new EmbeddingException("Could not start DJL's ONNX Runtime engine: " + e.getMessage()
                        + ". If another library created an OrtEnvironment first, load the LiteMem embedder before "
                        + "it; on an unsupported platform ONNX Runtime's native library cannot load.", e);
            }
            started = true;
        }
    }
}
