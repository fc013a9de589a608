/**
 * The service-provider interface through which memory-core finds bundled embedders without depending on them
 * ({@link java.util.ServiceLoader}): {@code litemem-embedding} registers its
 * {@link dev.litemem.spi.EmbedderProvider}, and {@link dev.litemem.Embedders} lists what is on the class path.
 */
package dev.litemem.spi;
