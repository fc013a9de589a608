package dev.litemem.index.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the distance kernels once per JVM: the Vector API when its module is enabled, plain Java otherwise. */
public final class VectorMaths {

    private static final Logger LOG = LoggerFactory.getLogger(VectorMaths.class);
    private static final String PANAMA_CLASS = "dev.litemem.index.internal.PanamaVectorMath";
    private static final VectorMath PREFERRED = choose();

    private VectorMaths() {
    }

    /** The fastest kernels available in this JVM. */
    public static VectorMath preferred() {
        return PREFERRED;
    }

    /** The Vector API kernels, or null when the jdk.incubator.vector module is not enabled. */
    public static VectorMath vectorApiOrNull() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (VectorMath) Class.forName(PANAMA_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Vector API module is present but its kernels failed to load", e);
        }
    }

    private static VectorMath choose() {
        VectorMath chosen;
        try {
            chosen = vectorApiOrNull();
        } catch (IllegalStateException e) {
            LOG.warn("Vector API kernels failed to load; using plain Java distance functions", e);
            return ScalarVectorMath.INSTANCE;
        }
        if (chosen == null) {
            LOG.info("Distance functions: plain Java (start the JVM with --add-modules jdk.incubator.vector "
                    + "for SIMD kernels, several times faster)");
            return ScalarVectorMath.INSTANCE;
        }
        LOG.info("Distance functions: Java Vector API ({})", chosen.name());
        return chosen;
    }
}
