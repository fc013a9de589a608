/**
 * The local embedder: {@link dev.litemem.embedding.OnnxEmbedder} runs a BERT-style ONNX model on the CPU with no
 * network and no setup. {@link dev.litemem.embedding.BundledModels} names the models that ship in jars;
 * {@link dev.litemem.embedding.LocalEmbedderProvider} registers them with memory-core.
 *
 * <p>Model files of bundled models are extracted once to {@code ~/.cache/litemem/models/<hash>/} (moved with the
 * system property {@code litemem.cache.dir} or the environment variable {@code LITEMEM_CACHE_DIR}). DJL's tokenizer
 * library is extracted to {@code ~/.djl.ai} (moved with {@code DJL_CACHE_DIR}). On JDK 22 and later, run with
 * {@code --enable-native-access=ALL-UNNAMED} to silence ONNX Runtime's native-access warning.
 */
package dev.litemem.embedding;
