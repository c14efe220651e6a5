package io.cvmavs.stake.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.stake.StakeConfigException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StakeConfigLoaderTest {
  @TempDir Path dir;

  private static final String ADDRS =
      """
      addresses:
        AllocationManager: "0x1111111111111111111111111111111111111111"
        CvmRegistry: "0x2222222222222222222222222222222222222222"
        CvmServiceManager: "0x3333333333333333333333333333333333333333"
        CStaking: "0x4444444444444444444444444444444444444444"
      """;

  private Path write(String yaml) throws Exception {
    Path p = dir.resolve("stake.yaml");
    Files.writeString(p, yaml);
    return p;
  }

  @Test
  void readsEveryFieldAndDefaults() throws Exception {
    StakeConfig c =
        StakeConfigLoader.load(
            write(
                "eth_rpc_url: http://127.0.0.1:8545\n"
                    + ADDRS
                    + """
                    operator_set_id: 2
                    epoch: {genesis_block: 10, length_blocks: 50}
                    power: {unit: "0.000001", min_power: 3, max_validators: 7, max_power_bps: 2000}
                    prices:
                      c_per_eth: {feed: "0x5555555555555555555555555555555555555555"}
                      strategies:
                        "0xAAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": {value: "2.5"}
                    """));
    assertThat(c.operatorSetId()).isEqualTo(2);
    assertThat(c.epochGenesisBlock()).isEqualTo(10);
    assertThat(c.epochLengthBlocks()).isEqualTo(50);
    assertThat(c.jailEpochs()).isEqualTo(1);
    assertThat(c.power().unitWei()).isEqualTo(BigInteger.TEN.pow(12));
    assertThat(c.power().maxPowerBps()).isEqualTo(2000);
    assertThat(c.cPerEth())
        .isEqualTo(new PriceSource.Feed("0x5555555555555555555555555555555555555555"));
    assertThat(c.rateOf("0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
        .isEqualTo(new PriceSource.Fixed(new BigInteger("2500000000000000000")));
    assertThat(c.contract(StakeConfig.C_STAKING))
        .isEqualTo("0x4444444444444444444444444444444444444444");
    assertThatThrownBy(() -> c.rateOf("0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"))
        .isInstanceOf(StakeConfigException.class)
        .hasMessageContaining("prices.strategies");
  }

  @Test
  void errorsNameTheField() throws Exception {
    refused("prices: {c_per_eth: {value: 1}}\nepochs: {}\n")
        .hasMessageContaining("unknown field 'epochs'");
    refused("prices: {c_per_eth: {value: \"1e-30\"}}\n")
        .hasMessageContaining("prices.c_per_eth.value");
    refused(
            "prices: {c_per_eth: {value: 1, feed: \"0x5555555555555555555555555555555555555555\"}}\n")
        .hasMessageContaining("exactly one of 'value' and 'feed'");
    assertThatThrownBy(
            () ->
                StakeConfigLoader.load(
                    write("eth_rpc_url: http://x\nprices: {c_per_eth: {value: 1}}\n")))
        .hasMessageContaining("no address for AllocationManager");
    refused("prices: {c_per_eth: {value: 1}}\npower: {max_power_bps: 0}\n")
        .hasMessageContaining("power.max_power_bps");
    assertThatThrownBy(() -> StakeConfigLoader.load(dir.resolve("missing.yaml")))
        .hasMessageContaining("not found");
  }

  @Test
  void aKeyWrittenTwiceIsRefusedWithBothLines() throws Exception {
    Path file =
        write(
            "eth_rpc_url: http://x\n"
                + ADDRS
                + "prices: {c_per_eth: {value: 1}}\njail_epochs: 2\njail_epochs: 3\n");
    assertThatThrownBy(() -> StakeConfigLoader.load(file))
        .isInstanceOf(StakeConfigException.class)
        .hasMessage(
            file
                + ":9: duplicate key 'jail_epochs' (first set on line 8; each key may appear once)");
    Path nested = write("eth_rpc_url: http://x\n" + ADDRS.replace("CStaking", "CvmRegistry"));
    assertThatThrownBy(() -> StakeConfigLoader.load(nested))
        .isInstanceOf(StakeConfigException.class)
        .hasMessageContaining(nested + ":6: duplicate key 'addresses.CvmRegistry'");
  }

  @Test
  void anUnknownFieldIsNamedWithLineAndColumn() throws Exception {
    Path file =
        write(
            "eth_rpc_url: http://x\n"
                + ADDRS
                + "prices:\n  c_per_eth: {value: 1}\n  max_age_secs: 60\n");
    assertThatThrownBy(() -> StakeConfigLoader.load(file))
        .isInstanceOf(StakeConfigException.class)
        .hasMessageStartingWith(file + ":9:3: unknown field 'prices.max_age_secs'");
  }

  /** Loading a file of the URL, {@code ADDRS} and {@code rest} fails with a config error. */
  private AbstractThrowableAssert<?, ? extends Throwable> refused(String rest) {
    return assertThatThrownBy(
            () -> StakeConfigLoader.load(write("eth_rpc_url: http://x\n" + ADDRS + rest)))
        .isInstanceOf(StakeConfigException.class);
  }
}
