package dev.litemem.internal.keyword;

import java.util.List;

/** The in-memory keyword index at one search's snapshot: the built index, caught up by an overlay or not. */
public final class KeywordView {
    private final KeywordIndex index;
    private final Overlay overlay;

    KeywordView(KeywordIndex index, Overlay overlay) {
        this.index = index;
        this.overlay = overlay;
    }

    /** Ranks the rows matching any of the phrases (each its one FTS5 token), as bm25() at this snapshot. */
    public Ranking rank(List<String> phraseTokens) {
        return index.rank(phraseTokens, overlay);
    }

    /** How many changed rows the view applies over the built index (0: the index is the snapshot's as built). */
    public int caughtUp() {
        return overlay == null ? 0 : overlay.size();
    }
}
