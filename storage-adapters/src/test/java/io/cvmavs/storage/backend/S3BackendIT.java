package io.cvmavs.storage.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.localnet.storage.S3Server;
import io.cvmavs.localnet.storage.WithStorageServers;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.group.BlockGroup;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 backend against a real S3-compatible server (s3rver, its own process on 127.0.0.1). */
@WithStorageServers
public class S3BackendIT {
  public static S3Backend backend(S3Server server) {
    return new S3Backend(
        "s3",
        S3Backend.client(
            Optional.of(URI.create(server.endpoint())),
            "us-east-1",
            S3Backend.staticCredentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY),
            true),
        server.bucket(),
        "test/",
        S3Backend.MIN_PART);
  }

  @Test
  void putsGetsAndSkipsASecondCopy(S3Server server) {
    try (S3Backend s3 = backend(server)) {
      BlockGroup g =
          BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(3, 40, 7), List.of());
      Receipt r = s3.put(g.bytes());
      assertThat(r.backend()).isEqualTo("s3");
      assertThat(r.locator()).isEqualTo("test/groups/" + g.fileHashHex() + ".cvmg");
      assertThat(r.size()).isEqualTo(g.size());
      assertThat(r.hash()).isEqualTo(g.fileHashHex());
      assertThat(s3.exists(r.locator())).isTrue();
      assertThat(s3.put(g.bytes())).isEqualTo(r);
      byte[] back = s3.get(r).orElseThrow();
      assertThat(BlockGroup.parse(back).decode().blocks()).hasSize(3);
      assertThat(s3.exists("test/groups/" + "0".repeat(64) + ".cvmg")).isFalse();
      assertThat(s3.get("test/groups/" + "0".repeat(64) + ".cvmg")).isEmpty();
    }
  }

  @Test
  void largeFilesGoUpInPartsAndComeBackWhole(S3Server server) {
    try (S3Backend s3 = backend(server)) {
      byte[] big = new byte[(int) (2 * S3Backend.MIN_PART + 12345)];
      new SplittableRandom(3).nextBytes(big);
      Receipt r = s3.put(big);
      assertThat(s3.get(r)).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
    }
  }

  /** Overwrites {@code locator} with other bytes of the same size, as a corrupted copy would be. */
  private static void corrupt(S3Server server, String locator, byte[] file) {
    byte[] wrong = file.clone();
    wrong[wrong.length / 2] ^= 0x01;
    try (S3Client raw =
        S3Backend.client(
            Optional.of(URI.create(server.endpoint())),
            "us-east-1",
            S3Backend.staticCredentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY),
            true)) {
      raw.putObject(r -> r.bucket(server.bucket()).key(locator), RequestBody.fromBytes(wrong));
    }
  }

  @Test
  void aCorruptedSameSizeObjectIsUploadedAgain(S3Server server) {
    try (S3Backend s3 = backend(server)) {
      byte[] file =
          BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(2, 30, 11), List.of()).bytes();
      Receipt r = s3.put(file);
      corrupt(server, r.locator(), file);
      assertThatThrownBy(() -> s3.get(r)).isInstanceOf(BackendException.class);
      assertThat(s3.put(file)).isEqualTo(r);
      assertThat(s3.get(r)).hasValueSatisfying(b -> assertThat(b).isEqualTo(file));

      byte[] big = new byte[(int) (S3Backend.MIN_PART + 4321)];
      new SplittableRandom(5).nextBytes(big);
      Receipt rb = s3.put(big);
      corrupt(server, rb.locator(), big);
      assertThatThrownBy(() -> s3.get(rb)).isInstanceOf(BackendException.class);
      assertThat(s3.put(big)).isEqualTo(rb);
      assertThat(s3.get(rb)).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
    }
  }

  @Test
  void refusesContentThatDoesNotMatchTheReceipt(S3Server server) {
    try (S3Backend s3 = backend(server)) {
      byte[] file =
          BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(1, 5, 9), List.of()).bytes();
      Receipt r = s3.put(file);
      Receipt longer = new Receipt(r.backend(), r.locator(), r.size() + 10, r.hash());
      assertThatThrownBy(() -> s3.get(longer))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("truncated download");
      Receipt other = new Receipt(r.backend(), r.locator(), r.size(), "1".repeat(64));
      assertThatThrownBy(() -> s3.get(other))
          .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.retryable()).isFalse())
          .hasMessageContaining("not the receipt's");
    }
  }
}
