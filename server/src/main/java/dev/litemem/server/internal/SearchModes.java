package dev.litemem.server.internal;

import dev.litemem.server.ServerException;

/**
 * The search modes the API names. The store searches by meaning (exact scan) today; keyword and hybrid search land
 * with the core's SearchRequest.mode, and this is the one place that then passes the mode through.
 */
final class SearchModes {
    private SearchModes() {
    }

    static void check(String mode) {
        if (mode == null || mode.equals("semantic")) {
            return;
        }
        if (mode.equals("keyword") || mode.equals("hybrid")) {
            throw new ServerException(501, "mode-not-available", "mode",
                    "search mode '" + mode + "' is not available in this version: use semantic");
        }
        throw Errors.invalid("mode", "mode must be semantic, keyword or hybrid");
    }
}
