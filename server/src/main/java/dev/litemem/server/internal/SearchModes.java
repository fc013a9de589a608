package dev.litemem.server.internal;

import dev.litemem.SearchMode;

/** The search modes the API names: semantic, keyword, hybrid (the default for text), as in the core. */
final class SearchModes {
    private SearchModes() {
    }

    /** The mode asked for, or null for the core's default. */
    static SearchMode parse(String mode) {
        if (mode == null) {
            return null;
        }
        return switch (mode) {
            case "semantic" -> SearchMode.SEMANTIC;
            case "keyword" -> SearchMode.KEYWORD;
            case "hybrid" -> SearchMode.HYBRID;
            default -> throw Errors.invalid("mode", "mode must be semantic, keyword or hybrid");
        };
    }
}
