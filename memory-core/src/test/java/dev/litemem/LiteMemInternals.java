package dev.litemem;

import dev.litemem.internal.store.Database;

/** Tests of internal packages reach an open store's file through this (the store keeps it package-private). */
public final class LiteMemInternals {
    private LiteMemInternals() {
    }

    public static Database database(LiteMem mem) {
        return mem.database();
    }
}
