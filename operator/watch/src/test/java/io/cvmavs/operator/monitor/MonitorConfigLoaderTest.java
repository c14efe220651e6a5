package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.operator.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** monitor.yaml: the first-run alert start, the operator filter and the alert file. */
class MonitorConfigLoaderTest {
  // EIP-55 test vector (the EIP's own examples).
  private static final String CHECKSUMMED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  private static final String ID = "0x" + "Ab".repeat(32);

  @TempDir Path dir;

  private Path write(String extra) throws Exception {
    Path file = dir.resolve("monitor.yaml");
    StringBuilder y = new StringBuilder("eth_rpc_url: http://127.0.0.1:8545\naddresses:\n");
    for (String name : MonitorConfig.REQUIRED_CONTRACTS) {
      y.append("  ").append(name).append(": \"0x").append("12".repeat(20)).append("\"\n");
    }
    y.append("start_block: 5\n").append(extra);
    Files.writeString(file, y.toString());
    return file;
  }

  @Test
  void defaultsAlertFromTheHeadEveryOperatorNoFile() throws Exception {
    MonitorConfig c = MonitorConfigLoader.load(write(""));
    assertThat(c.fromBlock()).isEmpty();
    assertThat(c.operators().isAll()).isTrue();
    assertThat(c.alertFile()).isEmpty();
    assertThat(c.withFromBlock(7).fromBlock()).contains(7L);
  }

  @Test
  void readsFromBlockOperatorsAndAlertFile() throws Exception {
    MonitorConfig c =
        MonitorConfigLoader.load(
            write(
                "from_block: 0\nalert_file: out/alerts.jsonl\noperators:\n  - "
                    + CHECKSUMMED
                    + "\n  - \"0x"
                    + "CD".repeat(20)
                    + "\"\n  - "
                    + ID
                    + "\n"));
    assertThat(c.fromBlock()).contains(0L);
    assertThat(c.alertFile()).contains(dir.resolve("out/alerts.jsonl"));
    assertThat(c.operators().addresses())
        .containsExactlyInAnyOrder(CHECKSUMMED.toLowerCase(), "0x" + "cd".repeat(20));
    assertThat(c.operators().operatorIds()).containsExactly(ID.toLowerCase());
  }

  @Test
  void refusesAWrongChecksumNamingTheEntry() throws Exception {
    String typo = CHECKSUMMED.replace("aAeb", "AAeb");
    Path file = write("operators:\n  - " + ID + "\n  - " + typo + "\n");
    assertThatThrownBy(() -> MonitorConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("field 'operators[1]'")
        .hasMessageContaining("wrong EIP-55 checksum")
        .hasMessageContaining(CHECKSUMMED);
  }

  @Test
  void refusesNonOperatorEntriesEmptyListsAndNegativeFromBlock() throws Exception {
    assertThatThrownBy(() -> MonitorConfigLoader.load(write("operators:\n  - 0x1234\n")))
        .hasMessageContaining("field 'operators[0]'")
        .hasMessageContaining("operator address (0x + 40 hex digits) or an operatorId");
    assertThatThrownBy(() -> MonitorConfigLoader.load(write("operators: []\n")))
        .hasMessageContaining("field 'operators'")
        .hasMessageContaining("leave it out");
    assertThatThrownBy(() -> MonitorConfigLoader.load(write("from_block: -1\n")))
        .hasMessageContaining("field 'from_block'")
        .hasMessageContaining("must be 0 or more");
  }
}
