package dev.litemem.cli.cluster;

import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The steps of one tenant move that are done, so a rerun after a crash continues where it stopped. A text file: the
 * first line {@code move TENANT FROM TO}, then one line per finished step, each appended and fsynced before the next
 * step starts. Removed when the move is complete.
 */
final class MoveJournal {
    /** The steps in order. Before PLACED the tenant lives on the source; from PLACED on, on the target. */
    enum Step { FROZEN, COPIED, VERIFIED, PLACED, RELOADED, DELETED }

    private final Path file;
    private Step done;

    private MoveJournal(Path file, Step done) {
        this.file = file;
        this.done = done;
    }

    /** Opens the journal of this move, or starts one; refuses a journal of another move of the tenant. */
    static MoveJournal open(Path file, String tenant, Node from, Node to) {
        String header = "move " + tenant + " " + from + " " + to;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            MoveJournal j = new MoveJournal(file, null);
            j.append(header);
            return j;
        } catch (IOException e) {
            throw new LiteMemException("cannot read the move journal " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new InvalidInputException("journal", "the journal " + file + " is of another move ('"
                    + (lines.isEmpty() ? "" : lines.get(0)) + "'): finish that one (rerun it with its --from and --to),"
                    + " or --abort it");
        }
        Step done = null;
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                done = Step.valueOf(line.trim());
            }
        }
        return new MoveJournal(file, done);
    }

    /** Reads the header of an existing journal without opening it for writing: {@code [tenant, from, to]}, or null. */
    static String[] header(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String[] parts = lines.isEmpty() ? new String[0] : lines.get(0).split(" ");
            return parts.length == 4 ? new String[] {parts[1], parts[2], parts[3]} : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new LiteMemException("cannot read the move journal " + file + ": " + e.getMessage(), e);
        }
    }

    boolean isDone(Step step) {
        return done != null && done.compareTo(step) >= 0;
    }

    Step last() {
        return done;
    }

    void mark(Step step) {
        append(step.name());
        done = step;
    }

    void remove() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LiteMemException("the move is complete, but its journal " + file + " cannot be removed: " + e, e);
        }
    }

    private void append(String line) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException e) {
            throw new LiteMemException("cannot write the move journal " + file + ": " + e.getMessage(), e);
        }
    }
}
