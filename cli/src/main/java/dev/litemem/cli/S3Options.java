package dev.litemem.cli;

import dev.litemem.backup.BlobStore;
import dev.litemem.backup.S3BlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How backup and restore reach an S3 destination ({@code s3://bucket/prefix}). Unset options fall back to the
 * standard AWS environment variables and files (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL).
 */
final class S3Options {
    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "An S3-compatible server, e.g."
            + " http://127.0.0.1:9000 (default: AWS, or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL).")
    String endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "Default: AWS_REGION, else us-east-1.")
    String region;

    @Option(names = "--s3-path-style", description = "Address the bucket in the path (most S3-compatible servers need it).")
    boolean pathStyle;

    @Option(names = "--s3-access-key", paramLabel = "KEY", description = "With --s3-secret-key-file; default: the AWS"
            + " environment's credentials.")
    String accessKey;

    @Option(names = "--s3-secret-key-file", paramLabel = "FILE", description = "A file holding the secret key (kept off"
            + " the command line).")
    Path secretKeyFile;

    BlobStore open(String destination) throws IOException {
        String secret = null;
        if ((accessKey == null) != (secretKeyFile == null)) {
            throw new dev.litemem.InvalidInputException("s3", "give --s3-access-key and --s3-secret-key-file together,"
                    + " or neither (to use the AWS environment's credentials)");
        }
        if (secretKeyFile != null) {
            secret = Files.readString(secretKeyFile, StandardCharsets.UTF_8).strip();
        }
        return BlobStore.open(destination, new S3BlobStore.Settings(endpoint, region, accessKey, secret, pathStyle));
    }
}
