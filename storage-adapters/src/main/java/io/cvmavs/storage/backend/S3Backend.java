package io.cvmavs.storage.backend;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Block groups as S3 objects {@code <prefix>groups/<sha256 hex>.cvmg} (AWS SDK v2, synchronous).
 * Every request body carries a {@code Content-MD5} that the server checks; files larger than {@code
 * partSize} go up as a multipart upload (parts of {@code partSize}, each with its MD5; aborted on
 * failure). A put of an object already present with the same size and an ETag that is these bytes'
 * MD5 is skipped (any other object at the key is overwritten: the key names the SHA-256, so it can
 * only be a corrupted copy); a get checks size and SHA-256 against the receipt. The SDK's own CRC
 * checksums are only sent when required, which S3 and S3-compatible servers (MinIO, s3rver) all
 * accept.
 */
public final class S3Backend implements StorageBackend, AutoCloseable {
  public static final long MIN_PART = 5L << 20;

  private final String name;
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final long partSize;

  public S3Backend(String name, S3Client s3, String bucket, String prefix, long partSize) {
    if (partSize < MIN_PART) {
      throw new IllegalArgumentException("S3 part size must be at least 5 MiB, got " + partSize);
    }
    this.name = name;
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.partSize = partSize;
  }

  /**
   * A client for {@code endpoint} (empty: AWS itself) in {@code region}; credentials from {@code
   * credentials} (e.g. the SDK's default chain: environment, profile).
   */
  public static S3Client client(
      Optional<URI> endpoint,
      String region,
      AwsCredentialsProvider credentials,
      boolean pathStyle) {
    var b =
        S3Client.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            // aws-chunked uploads (the SDK's default over http) are stored verbatim, chunk framing
            // included, by some S3-compatible servers (s3rver): send plain bodies, signed whole
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(pathStyle)
                    .chunkedEncodingEnabled(false)
                    .build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    endpoint.ifPresent(b::endpointOverride);
    return b.build();
  }

  public static AwsCredentialsProvider staticCredentials(String accessKey, String secretKey) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
  }

  @Override
  public String name() {
    return name;
  }

  public String key(String hash) {
    if (!hash.matches("[0-9a-f]{64}")) {
      throw new BackendException("not a SHA-256 hex file hash: '" + hash + "'", false);
    }
    return prefix + "groups/" + hash + ".cvmg";
  }

  @Override
  public Receipt put(byte[] file) {
    String hash = StorageBackend.sha256Hex(file);
    String key = key(hash);
    Receipt receipt = new Receipt(name, key, file.length, hash);
    try {
      Optional<HeadObjectResponse> head = head(key);
      if (head.isPresent() && sameContent(head.get(), file)) {
        return receipt;
      }
      if (file.length <= partSize) {
        s3.putObject(
            r -> r.bucket(bucket).key(key).contentMD5(md5(file, 0, file.length)),
            RequestBody.fromBytes(file));
      } else {
        multipart(key, file);
      }
      return receipt;
    } catch (SdkException e) {
      throw new BackendException(
          "S3 put of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), true, e);
    }
  }

  /**
   * Whether the stored object is {@code file}: same size and an ETag that is the MD5 of these bytes
   * — the whole file's (single-part upload; s3rver for multipart too) or S3's multipart form, the
   * MD5 of the parts' MD5s and {@code -<parts>} for this backend's part size. A corrupted or
   * foreign object of the same size, or one whose ETag is no MD5 (e.g. SSE-KMS), is uploaded again.
   */
  private boolean sameContent(HeadObjectResponse head, byte[] file) {
    if (head.contentLength() == null || head.contentLength() != file.length) {
      return false;
    }
    String etag = head.eTag();
    if (etag == null) {
      return false;
    }
    etag = etag.replace("\"", "").toLowerCase(Locale.ROOT);
    if (etag.equals(HexFormat.of().formatHex(md5Bytes(file, 0, file.length)))) {
      return true;
    }
    if (file.length <= partSize) {
      return false;
    }
    ByteArrayOutputStream partDigests = new ByteArrayOutputStream();
    int parts = 0;
    for (long off = 0; off < file.length; off += partSize, parts++) {
      int len = (int) Math.min(partSize, file.length - off);
      partDigests.writeBytes(md5Bytes(file, (int) off, len));
    }
    byte[] composite = partDigests.toByteArray();
    return etag.equals(
        HexFormat.of().formatHex(md5Bytes(composite, 0, composite.length)) + "-" + parts);
  }

  private void multipart(String key, byte[] file) {
    String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long off = 0; off < file.length; off += partSize, number++) {
        int len = (int) Math.min(partSize, file.length - off);
        byte[] part = java.util.Arrays.copyOfRange(file, (int) off, (int) off + len);
        int n = number;
        String etag =
            s3.uploadPart(
                    r ->
                        r.bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(n)
                            .contentMD5(md5(part, 0, len)),
                    RequestBody.fromBytes(part))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
      }
      s3.completeMultipartUpload(
          r ->
              r.bucket(bucket)
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (SdkException e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException ignored) {
        // the server's lifecycle rules clean up what could not be aborted
      }
      throw e;
    }
  }

  @Override
  public Optional<byte[]> get(Receipt receipt) {
    return get(receipt.locator()).map(b -> StorageBackend.checked(receipt, b));
  }

  @Override
  public Optional<byte[]> get(String locator) {
    try {
      ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(b -> b.bucket(bucket).key(locator));
      return Optional.of(r.asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new BackendException(
          "S3 get of s3://" + bucket + "/" + locator + " failed: " + e.getMessage(), true, e);
    }
  }

  @Override
  public Optional<String> locatorFor(byte[] file) {
    return Optional.of(key(StorageBackend.sha256Hex(file)));
  }

  @Override
  public boolean exists(String locator) {
    try {
      return head(locator).isPresent();
    } catch (SdkException e) {
      throw new BackendException(
          "S3 head of s3://" + bucket + "/" + locator + " failed: " + e.getMessage(), true, e);
    }
  }

  private Optional<HeadObjectResponse> head(String key) {
    try {
      return Optional.of(s3.headObject(r -> r.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static String md5(byte[] data, int off, int len) {
    return Base64.getEncoder().encodeToString(md5Bytes(data, off, len));
  }

  private static byte[] md5Bytes(byte[] data, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update(data, off, len);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
