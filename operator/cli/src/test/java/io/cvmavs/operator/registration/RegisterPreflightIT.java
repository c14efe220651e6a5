package io.cvmavs.operator.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * {@code operator register} pointed at a chain without the AVS (a fresh anvil, a deployment file
 * from elsewhere): the preflight refuses with a message naming what is missing and nothing is sent
 * — before it, {@code --devnet-fund} had already sent 10 ether when {@code cannot decode return
 * data 0x} appeared. {@code --devnet-fund} is refused for a deployment against a real core.
 */
@WithAnvil
class RegisterPreflightIT {
  @TempDir Path dir;

  private Path config(AnvilNode anvil, long chainId, boolean standIns) throws Exception {
    StringBuilder json =
        new StringBuilder("{\"chainId\": " + chainId + ", \"coreStandIns\": " + standIns);
    List<String> names = OperatorConfigLoader.KNOWN_CONTRACTS;
    for (int i = 0; i < names.size(); i++) {
      json.append(", \"")
          .append(names.get(i))
          .append("\": \"0x")
          .append(String.format("%040x", 0xC0DE00 + i))
          .append('"');
    }
    Path deployment =
        Files.writeString(
            dir.resolve("deployment-" + chainId + standIns + ".json"), json.append('}').toString());
    // No AVS on this chain: the operator's files only, never registered by the fixture.
    return new SeededOperators(
            anvil, deployment, dir, AvsLocalnet.PASSWORDS, CvmAvsCommand::commandLine)
        .write(
            SeededOperators.Operator.of("op5-" + chainId + standIns, 5, AvsLocalnet.operatorKey(5))
                .withoutChainId());
  }

  private static String[] register(Path config) {
    return SeededOperators.registerArgs(config, HexFormat.of().parseHex("ab".repeat(32)));
  }

  @Test
  void aChainWithoutTheContractsIsRefusedBeforeAnythingIsSent(AnvilNode anvil) throws Exception {
    String operator = anvil.account(5).address();
    String deployer = anvil.account(0).address();
    BigInteger balance = balance(anvil, operator);

    SeededOperators.CliResult r = cli(register(config(anvil, 31337, true)));
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err())
        .contains("preflight failed on chain 31337")
        .contains("no contract code at CvmRegistry 0x")
        .contains("no contract code at DelegationManager")
        .contains("nothing was sent")
        .doesNotContain("cannot decode");
    assertThat(r.out()).doesNotContain("devnet: sent").doesNotContain("done ");
    assertThat(nonce(anvil, operator)).isZero();
    assertThat(nonce(anvil, deployer)).as("the devnet funder sent nothing").isZero();
    assertThat(balance(anvil, operator)).isEqualTo(balance);

    // A deployment file for another chain.
    r = cli(register(config(anvil, 17000, true)));
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).contains("serves chain 31337").contains("is for chain 17000");
    assertThat(nonce(anvil, deployer)).isZero();

    // --devnet-fund against a deployment on EigenLayer's own core: refused, nothing minted.
    r = cli(register(config(anvil, 31337, false)));
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--devnet-fund refused").contains("coreStandIns: false");
    assertThat(nonce(anvil, operator)).isZero();
    assertThat(nonce(anvil, deployer)).isZero();
  }

  private static SeededOperators.CliResult cli(String... args) {
    return SeededOperators.cli(CvmAvsCommand::commandLine, AvsLocalnet.PASSWORDS, args);
  }

  private static BigInteger nonce(AnvilNode anvil, String address) throws Exception {
    return anvil
        .web3j()
        .ethGetTransactionCount(address, DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }

  private static BigInteger balance(AnvilNode anvil, String address) throws Exception {
    return anvil
        .web3j()
        .ethGetBalance(address, DefaultBlockParameterName.LATEST)
        .send()
        .getBalance();
  }
}
