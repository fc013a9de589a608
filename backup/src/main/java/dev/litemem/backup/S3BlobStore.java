package dev.litemem.backup;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BlobStore} in an S3 bucket ({@code s3://bucket/prefix}), through the AWS SDK for Java v2 with the JDK's
 * HTTP client. Each put is one PUT, which S3 makes visible whole or not at all, so the manifest's replacement is
 * atomic too. Works with any S3-compatible server (an endpoint and path-style addressing).
 */
public final class S3BlobStore implements BlobStore {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String describe;

    /**
     * How to reach the bucket. Null fields fall back to the SDK's defaults: the standard AWS environment variables
     * and files ({@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_PROFILE},
     * ...) and, for the endpoint, {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}.
     */
    public record Settings(String endpoint, String region, String accessKey, String secretKey, boolean pathStyle) {
        public static Settings fromEnvironment() {
            return new Settings(null, null, null, null, false);
        }
    }

    private S3BlobStore(S3Client s3, String bucket, String prefix, String describe) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.describe = describe;
    }

    /** Opens {@code s3://bucket/prefix} with these settings. */
    public static S3BlobStore open(String destination, Settings settings) {
        if (!destination.startsWith("s3://") || destination.length() <= "s3://".length()) {
            throw new BackupException("'" + destination + "' is not an S3 destination: write s3://BUCKET/PREFIX");
        }
        String rest = destination.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        Map<String, String> env = System.getenv();
        String endpoint = settings.endpoint() != null ? settings.endpoint()
                : env.getOrDefault("AWS_ENDPOINT_URL_S3", env.get("AWS_ENDPOINT_URL"));
        String region = settings.region() != null ? settings.region()
                : env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
        AwsCredentialsProvider credentials = settings.accessKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        try {
            var builder = S3Client.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .region(Region.of(region))
                    .credentialsProvider(credentials)
                    .forcePathStyle(settings.pathStyle())
                    // Checksums only where S3 requires them: S3-compatible servers do not all read the trailing
                    // checksums the SDK sends by default; our objects carry their own SHA-256, checked on every read.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            if (endpoint != null) {
                builder.endpointOverride(URI.create(endpoint));
            }
            return new S3BlobStore(builder.build(), bucket, prefix, destination);
        } catch (SdkException | IllegalArgumentException e) {
            throw new BackupException("cannot set up S3 for " + destination + " (" + e.getMessage() + "): check"
                    + " --s3-endpoint, --s3-region and the AWS environment variables", e);
        }
    }

    @Override
    public void put(String key, Path file) {
        call("write " + key, () -> s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(file)));
    }

    @Override
    public void put(String key, byte[] bytes) {
        call("write " + key, () -> s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(bytes)));
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("read " + key, e);
        }
    }

    @Override
    public void download(String key, Path target) {
        try {
            Files.deleteIfExists(target);
            s3.getObject(b -> b.bucket(bucket).key(prefix + key), ResponseTransformer.toFile(target));
        } catch (NoSuchKeyException e) {
            throw new BackupException(key + " is missing from " + describe + ": the backup is incomplete", e);
        } catch (SdkException e) {
            throw failure("read " + key, e);
        } catch (java.io.IOException e) {
            throw new BackupException("cannot write " + target + " (" + e + ")", e);
        }
    }

    @Override
    public List<String> list(String keyPrefix) {
        List<String> keys = new ArrayList<>();
        call("list " + keyPrefix, () -> {
            for (S3Object o : s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                    .prefix(prefix + keyPrefix).build()).contents()) {
                keys.add(o.key().substring(prefix.length()));
            }
            return null;
        });
        return keys;
    }

    @Override
    public void delete(String key) {
        call("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(prefix + key)));
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() {
        s3.close();
    }

    private interface Call {
        Object run();
    }

    private void call(String what, Call call) {
        try {
            call.run();
        } catch (SdkException e) {
            throw failure(what, e);
        }
    }

    private BackupException failure(String what, SdkException e) {
        return new BackupException("cannot " + what + " in " + describe + " (" + e.getMessage() + "): check the bucket,"
                + " the endpoint and the credentials", e);
    }
}
