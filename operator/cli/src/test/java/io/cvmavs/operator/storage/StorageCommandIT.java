package io.cvmavs.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvm-avs anchor}, {@code storage recover} and {@code storage audit} as a user runs them:
 * anvil with the contracts deployed by the forge deploy script, a block store filled with blocks
 * from the CVM's own builder, groups on local disk; then the errors a user meets (bad config,
 * unknown or unreachable backend, a damaged copy).
 */
@WithAnvil
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageCommandIT {
  static final byte[] MANUSCRIPT = "name: cli-test\nversion: 1\n".getBytes(StandardCharsets.UTF_8);
  static final String PASSWORD = "anchor-test-password";

  Path dir;
  Path config;
  List<CvmBlock> chain;
  final AnchorFixture.Cli cli = new AnchorFixture.Cli(PASSWORD);
  final StringWriter out = cli.out;
  final StringWriter err = cli.err;

  @BeforeAll
  void setUp(AnvilNode anvil, @TempDir Path tmp) throws Exception {
    dir = tmp;
    Deployments d = AnchorFixture.deployWithSubmitter(anvil, dir, PASSWORD);
    chain = new ChainBlocksFixture().chain(Keccak.hash(MANUSCRIPT), 9, 0, 10);
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("blocks"))) {
      store.putManuscript(MANUSCRIPT);
      chain.forEach(store::append);
    }
    config =
        Files.writeString(
            dir.resolve("anchor.yaml"),
            """
            eth_rpc_url: %s
            deployment_file: %s
            submitter_keystore: submitter.json
            block_store: blocks
            data_dir: anchor
            group_target_bytes: 4096
            replication: [local]
            backends:
              - name: local
                type: local
                dir: groups
              - name: ipfs
                type: ipfs
                api: http://127.0.0.1:%d
            """
                .formatted(anvil.rpcUrl(), d.source().toAbsolutePath(), closedPort()));
  }

  int run(String... args) {
    cli.clear();
    return cli.run(args);
  }

  @Test
  @Order(1)
  void anchorsThenRecoversAnEmptyStoreAndAuditsAHolder() {
    // the IPFS backend is down (nothing listens): warned, retried, and not required
    assertThat(run("anchor", "--config", config.toString(), "--once")).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("[anchor] warning: backend 'ipfs' is unreachable")
        .contains("[anchor] stored on local")
        .contains("anchored in block");

    assertThat(
            run(
                "storage",
                "recover",
                "--config",
                config.toString(),
                "--from",
                "local",
                "--into",
                dir.resolve("empty").toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("9 block(s) appended from local");
    try (CvmBlockStore recovered = CvmBlockStore.open(dir.resolve("empty"))) {
      assertThat(recovered.head(Keccak.hash(MANUSCRIPT)).orElseThrow().hash())
          .isEqualTo(chain.getLast().hash());
    }

    assertThat(run("storage", "audit", "--config", config.toString(), "--from", "local"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains(": PASS (");
  }

  @Test
  @Order(2)
  void errorsNameTheProblem() throws Exception {
    Path bad =
        Files.writeString(dir.resolve("bad.yaml"), "eth_rpc_url: http://127.0.0.1:1\nblocks: x\n");
    assertThat(run("storage", "recover", "--config", bad.toString(), "--from", "local"))
        .isEqualTo(1);
    assertThat(err.toString()).contains(bad + ":2:1: unknown field 'blocks'");

    assertThat(run("storage", "recover", "--config", config.toString(), "--from", "s3"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("no backend named 's3' (backends: local, ipfs)");

    assertThat(run("storage", "recover", "--config", config.toString(), "--from", "ipfs"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("backend 'ipfs' is unreachable");

    // a damaged copy: the audit names the chunk, recovery refuses the group naming the field
    Path file;
    try (Stream<Path> files = Files.walk(dir.resolve("groups"))) {
      file = files.filter(p -> p.toString().endsWith(".cvmg")).sorted().findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 0x20;
    Files.write(file, bytes);
    boolean failedSomewhere = false;
    for (long h = 0; h < chain.size(); h++) {
      int code =
          run(
              "storage",
              "audit",
              "--config",
              config.toString(),
              "--from",
              "local",
              "--height",
              Long.toString(h),
              "--seed",
              "0x" + "11".repeat(32));
      if (code == 1) {
        failedSomewhere = true;
        assertThat(out.toString()).contains(": FAIL (").containsPattern("chunk \\d+ ");
        break;
      }
    }
    assertThat(failedSomewhere).as("the damaged group fails its audit").isTrue();
    assertThat(
            run(
                "storage",
                "recover",
                "--config",
                config.toString(),
                "--from",
                "local",
                "--into",
                dir.resolve("second").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("differs from the anchored");
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
