package io.cvmavs.storage.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnchorConfigTest {
  @TempDir Path dir;

  static final String GOOD =
      """
      eth_rpc_url: http://127.0.0.1:8545
      anchor_registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
      block_store: blocks
      data_dir: anchor
      replication: [local]
      backends:
        - name: local
          type: local
          dir: groups
        - name: s3
          type: s3
          endpoint: http://127.0.0.1:4568
          bucket: cvm-groups
      """;

  Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("anchor.yaml"), yaml);
  }

  @Test
  void readsAGoodFile() throws Exception {
    AnchorConfig c = AnchorConfig.load(write(GOOD));
    assertThat(c.registry()).isEqualTo("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assertThat(c.blockStore()).isEqualTo(dir.resolve("blocks"));
    assertThat(c.backends()).extracting(AnchorConfig.Backend::name).containsExactly("local", "s3");
    assertThat(c.replication().required()).containsExactly("local");
    assertThat(c.groupTargetBytes()).isEqualTo(1 << 20);
    assertThat(c.openBackends(Map.of("AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s")::get))
        .hasSize(2);
  }

  @Test
  void refusesBadFilesNamingThePlace() throws Exception {
    Path f = write(GOOD.replace("data_dir: anchor", "data_dir: anchor\nblok_store: x"));
    assertThatThrownBy(() -> AnchorConfig.load(f))
        .hasMessageStartingWith(f + ":5:1: unknown field 'blok_store'");
    Path g = write(GOOD.replace("dir: groups", "dir: groups\n    api: http://x"));
    assertThatThrownBy(() -> AnchorConfig.load(g))
        .hasMessageContaining("backends[0] (local): field 'api' does not apply to a local backend");
    Path h = write(GOOD.replace("replication: [local]", "replication: [ipfs]"));
    assertThatThrownBy(() -> AnchorConfig.load(h))
        .hasMessageContaining(
            "field 'replication': replication requires backend 'ipfs', which is not configured");
    Path i = write(GOOD.replace("name: s3", "name: local"));
    assertThatThrownBy(() -> AnchorConfig.load(i))
        .hasMessageContaining("a second backend named 'local'");
    Path j =
        write(
            GOOD.replace("anchor_registry: \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"\n", ""));
    assertThatThrownBy(() -> AnchorConfig.load(j))
        .hasMessage(j + ": no AnchorRegistry address: set deployment_file or anchor_registry");
    Path k = write(GOOD.replace("type: s3", "type: ftp"));
    assertThatThrownBy(() -> AnchorConfig.load(k))
        .hasMessageContaining("type must be one of local, s3, arweave, ipfs, got 'ftp'");
    Path l = write(GOOD.replace("http://127.0.0.1:4568", "127.0.0.1:4568"));
    assertThatThrownBy(() -> AnchorConfig.load(l))
        .hasMessageContaining(
            "field 'backends[1].endpoint': '127.0.0.1:4568' is not an http(s) URL");
  }

  static final String AUDIT = "0x" + "12".repeat(20);
  static final String REGISTRY = "0x" + "34".repeat(20);

  @Test
  void holdersAreOptionalAndCheckedNamingTheField() throws Exception {
    assertThat(AnchorConfig.load(write(GOOD)).holders()).isEmpty();
    AnchorConfig.Holders h =
        AnchorConfig.load(
                write(
                    GOOD
                        + "holders:\n  storage_audit: \""
                        + AUDIT
                        + "\"\n  cvm_registry: \""
                        + REGISTRY
                        + "\"\n"))
            .holders()
            .orElseThrow();
    assertThat(h.replication()).isEqualTo(AnchorConfig.DEFAULT_HOLDER_REPLICATION);
    assertThat(h.quorum()).isZero();
    assertThat(h.storageAudit()).isEqualTo(AUDIT);
    assertThat(h.cvmRegistry()).isEqualTo(REGISTRY);

    Path noAddress = write(GOOD + "holders:\n  replication: 3\n");
    assertThatThrownBy(() -> AnchorConfig.load(noAddress))
        .hasMessageContaining(
            "field 'holders.storage_audit': no StorageAudit address (set deployment_file or"
                + " holders.storage_audit)");
    Path zero =
        write(
            GOOD
                + "holders:\n  replication: 0\n  storage_audit: \""
                + AUDIT
                + "\"\n  cvm_registry: \""
                + REGISTRY
                + "\"\n");
    assertThatThrownBy(() -> AnchorConfig.load(zero))
        .hasMessageStartingWith(zero + ":15:3: field 'holders.replication'")
        .hasMessageContaining("must be 1..255, got 0");
    Path bad = write(GOOD + "holders:\n  storage_audit: \"0x12\"\n");
    assertThatThrownBy(() -> AnchorConfig.load(bad))
        .hasMessageContaining("field 'holders.storage_audit': '0x12' is not an address");
    Path unknown = write(GOOD + "holders:\n  replicas: 2\n");
    assertThatThrownBy(() -> AnchorConfig.load(unknown))
        .hasMessageContaining("unknown field 'replicas'");
  }

  static final String HASH = "ab".repeat(32);

  static String chain(String trust) {
    return GOOD + "cvm_rpc_url: http://127.0.0.1:26657\nmanuscript_file: manuscript.yaml\n" + trust;
  }

  @Test
  void theCvmChainIsReadFromATrustedHeader() throws Exception {
    AnchorConfig c =
        AnchorConfig.load(
            write(chain("cvm_trusted_height: 7\ncvm_trusted_hash: \"0x" + HASH + "\"\n")));
    AnchorConfig.CvmTrust t = c.cvmTrust().orElseThrow();
    assertThat(t.height()).isEqualTo(7);
    assertThat(java.util.HexFormat.of().formatHex(t.headerHash())).isEqualTo(HASH);
    assertThat(t.trustingPeriod()).isEqualTo(AnchorConfig.DEFAULT_TRUSTING_PERIOD);
    assertThat(t.maxClockDrift()).isEmpty();
    assertThat(t.trustLevel()).isEmpty();
    AnchorConfig d =
        AnchorConfig.load(
            write(
                chain(
                    "cvm_trusted_height: 7\ncvm_trusted_hash: "
                        + HASH
                        + "\ncvm_trusting_period: 48h\ncvm_trust_level: 1/2\n")));
    assertThat(d.cvmTrust().orElseThrow().trustingPeriod()).isEqualTo("48h");
    assertThat(d.cvmTrust().orElseThrow().trustLevel()).contains("1/2");
    assertThat(AnchorConfig.load(write(GOOD)).cvmTrust()).isEmpty();
  }

  @Test
  void aBadTrustedHeaderIsRefusedNamingTheField() throws Exception {
    Path none = write(chain(""));
    assertThatThrownBy(() -> AnchorConfig.load(none))
        .hasMessageContaining("field 'cvm_rpc_url' needs 'cvm_trusted_height'");
    Path noHash = write(chain("cvm_trusted_height: 7\n"));
    assertThatThrownBy(() -> AnchorConfig.load(noHash))
        .hasMessageContaining("field 'cvm_rpc_url' needs 'cvm_trusted_hash'");
    Path zero = write(chain("cvm_trusted_height: 0\ncvm_trusted_hash: " + HASH + "\n"));
    assertThatThrownBy(() -> AnchorConfig.load(zero))
        .hasMessageContaining(":16:")
        .hasMessageContaining(
            "field 'cvm_trusted_height' must be a CometBFT height of at least 1, got 0");
    Path negative = write(chain("cvm_trusted_height: -3\ncvm_trusted_hash: " + HASH + "\n"));
    assertThatThrownBy(() -> AnchorConfig.load(negative)).hasMessageContaining("got -3");
    Path shortHash = write(chain("cvm_trusted_height: 7\ncvm_trusted_hash: abcd\n"));
    assertThatThrownBy(() -> AnchorConfig.load(shortHash))
        .hasMessageContaining(
            "field 'cvm_trusted_hash' must be a 32-byte header hash (64 hex digits), got 'abcd'");
    Path notHex =
        write(chain("cvm_trusted_height: 7\ncvm_trusted_hash: " + "zz".repeat(32) + "\n"));
    assertThatThrownBy(() -> AnchorConfig.load(notHex))
        .hasMessageContaining("field 'cvm_trusted_hash' must be a 32-byte header hash");
    Path withoutChain = write(GOOD + "cvm_trusted_height: 7\n");
    assertThatThrownBy(() -> AnchorConfig.load(withoutChain))
        .hasMessageContaining("field 'cvm_trusted_height' applies only with 'cvm_rpc_url'");
  }

  @Test
  void s3WithoutCredentialsIsRefusedNamingTheVariables() throws Exception {
    AnchorConfig c = AnchorConfig.load(write(GOOD));
    assertThatThrownBy(() -> c.openBackends(Map.<String, String>of()::get))
        .hasMessageContaining(
            "backend 's3': set the S3 credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
}
