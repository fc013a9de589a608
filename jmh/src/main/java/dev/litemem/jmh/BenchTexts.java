package dev.litemem.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic English-like texts of a given length, for embedding benchmarks. */
final class BenchTexts {
    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or "
            + "his from at which but have an they you were her she there been one all we their has would when if so "
            + "no what up out who them some could time into only do people than other now more then its two may "
            + "first new these any very after most also made over did many before must through years where much "
            + "your way well down should because each just those how too little state good very make world still "
            + "own see men work long get here between both life being under never day same another know while last "
            + "might us great old year off come since against go came right used take three memory agent vector "
            + "index database record query search model river mountain village market engine garden library").split(" ");

    private BenchTexts() {
    }

    /** {@code count} texts of exactly {@code words} words, each ending in a full stop. */
    static List<String> generate(int count, int words, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < words; w++) {
                String word = WORDS[random.nextInt(WORDS.length)];
                if (w == 0) {
                    sb.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
                } else {
                    sb.append(' ').append(word);
                }
                if (w % 15 == 14 && w + 1 < words) {
                    sb.append(',');
                }
            }
            texts.add(sb.append('.').toString());
        }
        return texts;
    }
}
