package io.cvmavs.operator.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
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
  private static final String[] NAMES = {
    "DelegationManager",
    "StrategyManager",
    "AVSDirectory",
    "AllocationManager",
    "PermissionController",
    "Strategy",
    "UnderlyingToken",
    "CToken",
    "CStaking",
    "CvmServiceManager",
    "CvmRegistry",
    "CvmTaskManager",
    "CvmVerifier"
  };

  @TempDir Path dir;

  private Path config(AnvilNode anvil, long chainId, boolean standIns) throws Exception {
    StringBuilder json =
        new StringBuilder("{\"chainId\": " + chainId + ", \"coreStandIns\": " + standIns);
    for (int i = 0; i < NAMES.length; i++) {
      json.append(", \"")
          .append(NAMES[i])
          .append("\": \"0x")
          .append(String.format("%040x", 0xC0DE00 + i))
          .append('"');
    }
    Path deployment =
        Files.writeString(
            dir.resolve("deployment-" + chainId + standIns + ".json"), json.append('}').toString());
    Path ecdsa = dir.resolve("ecdsa.json");
    Path bls = dir.resolve("bls.json");
    if (!Files.exists(ecdsa)) {
      EcdsaKeystore.write(
          ecdsa,
          anvil.account(5).credentials().getEcKeyPair(),
          AvsLocalnet.ECDSA_PASSWORD.toCharArray(),
          ScryptParams.LIGHT,
          new SecureRandom());
      BlsKeystore.write(
          bls,
          AvsLocalnet.operatorKey(5),
          AvsLocalnet.BLS_PASSWORD.toCharArray(),
          ScryptParams.LIGHT,
          new SecureRandom());
    }
    return Files.writeString(
        dir.resolve("operator-" + chainId + standIns + ".yaml"),
        String.join(
            "\n",
            "node_name: op5",
            "eth_rpc_url: " + anvil.rpcUrl(),
            "eth_ws_url: " + anvil.wsUrl(),
            "deployment_file: " + deployment,
            "ecdsa_private_key_store_path: ecdsa.json",
            "bls_private_key_store_path: bls.json",
            "aggregator_url: http://127.0.0.1:1/",
            "operator_socket: 127.0.0.1:9005",
            "enable_node_api: false",
            "enable_metrics: false",
            "data_dir: data",
            ""));
  }

  private static String[] register(Path config) {
    return new String[] {
      "operator",
      "register",
      "--config",
      config.toString(),
      "--deposit",
      "100ether",
      "--c-stake",
      "50ether",
      "--consensus-key",
      "0x" + "ab".repeat(32),
      "--devnet-fund"
    };
  }

  @Test
  void aChainWithoutTheContractsIsRefusedBeforeAnythingIsSent(AnvilNode anvil) throws Exception {
    String operator = anvil.account(5).address();
    String deployer = anvil.account(0).address();
    BigInteger balance = balance(anvil, operator);

    AvsLocalnet.CliResult r = cli(register(config(anvil, 31337, true)));
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

  private static AvsLocalnet.CliResult cli(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli =
        io.cvmavs.operator.cli.CvmAvsCommand.commandLine(
            new io.cvmavs.operator.command.CliContext(
                java.util.Map.of(
                        "OPERATOR_BLS_KEY_PASSWORD", AvsLocalnet.BLS_PASSWORD,
                        "OPERATOR_ECDSA_KEY_PASSWORD", AvsLocalnet.ECDSA_PASSWORD)
                    ::get));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    int exit = cli.execute(args);
    return new AvsLocalnet.CliResult(exit, out.toString(), err.toString());
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
