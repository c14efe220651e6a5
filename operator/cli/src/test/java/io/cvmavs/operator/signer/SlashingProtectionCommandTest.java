package io.cvmavs.operator.signer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.operator.cli.CliRun;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlashingProtectionCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return CliRun.run(out, err, args);
  }

  @Test
  void exportsAndImportsBetweenDataDirectories() {
    BlsAttestationSigner key =
        new BlsAttestationSigner(BlsKeyPair.fromSecret(BigInteger.valueOf(99)));
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dir.resolve("old"))) {
      new SlashingProtectedSigner(key, store)
          .sign(
              AttestationRequest.of(
                  1,
                  "0x" + "11".repeat(20),
                  new TaskResponse(4, new byte[32], new byte[32], new byte[32])));
    }
    Path file = dir.resolve("export.json");
    assertThat(
            run(
                "slashing-protection",
                "export",
                "--data-dir",
                dir.resolve("old").toString(),
                "--to",
                file.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("exported 1 signed attestations");
    assertThat(
            run(
                "slashing-protection",
                "import",
                "--data-dir",
                dir.resolve("new").toString(),
                "--from",
                file.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("imported 1 new of 1");
    try (FileSlashingProtectionStore imported =
        FileSlashingProtectionStore.open(dir.resolve("new"))) {
      assertThat(imported.all()).hasSize(1);
    }
  }

  @Test
  void exportOfAMistypedDataDirectoryFailsInsteadOfExportingNothing() {
    Path typo = dir.resolve("no-such-node");
    assertThat(
            run(
                "slashing-protection",
                "export",
                "--data-dir",
                typo.toString(),
                "--to",
                dir.resolve("x.json").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("no slashing-protection record");
    assertThat(typo).doesNotExist();
  }

  @Test
  void importOfAMissingFileFailsWithItsName() {
    assertThat(
            run(
                "slashing-protection",
                "import",
                "--data-dir",
                dir.toString(),
                "--from",
                dir.resolve("nope.json").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("nope.json");
  }
}
