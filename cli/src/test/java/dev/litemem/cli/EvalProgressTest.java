package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class EvalProgressTest {
    @Test
    void onATerminalEachPhaseDrawsABarAndClearsItBeforeResults() {
        StringWriter err = new StringWriter();
        EvalProgress progress = new EvalProgress(new PrintWriter(err), true);
        progress.step("reading msmarco");
        progress.phase();
        progress.update("embedding", 64, 128, "records");
        progress.update("embedding", 100, 128, "records"); // within 100 ms of the last: not drawn
        progress.update("embedding", 128, 128, "records"); // the end is always drawn
        progress.clear();
        String shown = err.toString();
        assertTrue(shown.contains("reading msmarco ..."), shown);
        assertTrue(shown.contains("[###############               ] embedding 64/128 records"), shown);
        assertTrue(shown.contains("[##############################] embedding 128/128 records"), shown);
        assertTrue(!shown.contains("100/128"), shown);
        assertTrue(shown.endsWith("\r\033[K"), "the bar is erased before results print");
    }

    @Test
    void offATerminalNothingIsShown() {
        StringWriter err = new StringWriter();
        EvalProgress progress = new EvalProgress(new PrintWriter(err), false);
        progress.step("reading");
        progress.phase();
        progress.update("semantic", 1, 1, "queries");
        progress.clear();
        assertEquals("", err.toString());
    }
}
