package dev.litemem.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, the one hash helper of LiteMem's modules (the embedding cache's text keys, ingested files' content hashes,
 * the server's key hashes, the embedding module's model fingerprints). Every Java runtime must provide SHA-256, so
 * its absence is an error of the runtime, not of the caller.
 */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest, for hashing a stream in parts. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime, and this one has none", e);
        }
    }

    /** The 32-byte hash of the bytes. */
    public static byte[] of(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    /** The 32-byte hash of the text's UTF-8 bytes. */
    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }
}
