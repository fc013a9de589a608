package dev.litemem.backup;

import java.math.BigInteger;
import java.util.HexFormat;

/**
 * An order-independent hash of a set of rows: the sum modulo 2^256 of their RowHash v1 hashes (each read as an
 * unsigned big-endian number). A change moves it by subtracting the row's before-hash and adding its after-hash, so
 * the state at any sequence number follows from a base's state and the log's hashes alone, and a restored file is
 * verified by summing its rows. Immutable.
 */
public final class StateHash {
    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);
    public static final StateHash EMPTY = new StateHash(BigInteger.ZERO);
    private final BigInteger value;

    private StateHash(BigInteger value) {
        this.value = value;
    }

    /** This state with a row added (its 32-byte hash); null adds nothing. */
    public StateHash plus(byte[] rowHash) {
        return rowHash == null ? this : new StateHash(value.add(new BigInteger(1, rowHash)).mod(MODULUS));
    }

    /** This state with a row removed; null removes nothing. */
    public StateHash minus(byte[] rowHash) {
        return rowHash == null ? this : new StateHash(value.subtract(new BigInteger(1, rowHash)).mod(MODULUS));
    }

    /** 64 lower-case hex digits. */
    public String hex() {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return HexFormat.of().formatHex(out);
    }

    public static StateHash ofHex(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new BackupException("a state hash must be 64 hex digits: the manifest is damaged");
        }
        return new StateHash(new BigInteger(1, HexFormat.of().parseHex(hex)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateHash s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return hex();
    }
}
