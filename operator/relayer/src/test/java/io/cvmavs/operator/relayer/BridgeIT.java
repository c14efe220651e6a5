package io.cvmavs.operator.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.bridge.BridgeReader;
import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.consensus.app.bridge.CBridgeDepositSource;
import io.cvmavs.consensus.app.registry.RegistryManuscriptSource;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.command.CliRoot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The `$C` round trip on real parts (issue 19, items 2 and 3): anvil with the contracts of the real
 * deploy script, four {@code CvmChainApp}s behind the local consensus driver reading {@code
 * CBridge} through chain-io. Deposit on Ethereum → credited on the CVM chain once final →
 * withdrawal signed and burned there → the relayer submits the checkpoint that covers it (no
 * periodic checkpoint is due) → claim on Ethereum; a second claim is refused; conservation holds at
 * every quiet point. The same chain imports a manuscript registered and deprecated on the real
 * {@code CvmManuscriptRegistry} (issue 14).
 */
@WithAnvil
class BridgeIT {
  private static final CvmChainFixture CHAIN = new CvmChainFixture("bridge IT", 7200);
  private static final BigInteger C = BigInteger.TEN.pow(18);

  @TempDir Path dir;

  @Test
  void depositCreditedWithdrawalRelayedAndClaimedOnceWithConservation(AnvilNode anvil)
      throws Exception {
    String snapshot = anvil.snapshot();
    try {
      Deployments d = CHAIN.deployWithGenesisSet(anvil);
      String checkpoints = d.address("CvmCheckpoints");
      String bridge = d.address("CBridge");
      long deployBlock = 0;
      Transactor user = transactor(anvil, 5);
      String token = new BridgeReader(user, bridge).token();
      new StakingWriter(transactor(anvil, 0), d.address("CStaking"))
          .mint(token, user.address(), C.multiply(BigInteger.valueOf(100)));

      // Validators call Ethereum final at anvil's head (anvil has no reorgs).
      CBridgeDepositSource source =
          new CBridgeDepositSource(
              new BridgeReader(
                  ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty()), bridge),
              deployBlock);
      String registry = d.address("CvmManuscriptRegistry");
      RegistryManuscriptSource manuscripts =
          new RegistryManuscriptSource(
              new ManuscriptRegistryReader(
                  ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty()), registry),
              deployBlock);
      try (CvmChainNet chain = startChain(anvil, source, manuscripts)) {
        CometRpcClient cvm = new CometRpcClient(chain.rpc(), Duration.ofSeconds(15));
        BridgeClient client = new BridgeClient(user, bridge, checkpoints, cvm, deployBlock);
        assertThat(client.balance().conserved()).isTrue();

        // The CVM account of account 6's key receives 10 $C.
        ECKeyPair holder = anvil.account(6).credentials().getEcKeyPair();
        byte[] holderAddress = Numbers.bytes(anvil.account(6).address());
        // Asked for a final height above the head (a genesis that starts the chain's Ethereum view
        // at a future block, as `consensus genesis` does), the source marks only existing blocks as
        // scanned: the deposit mined next, below that height, must still be credited.
        long head = anvil.blockNumber();
        assertThat(source.deposits(0, head + 10, 16)).isEmpty();
        BridgeClient.Deposited dep = client.deposit(holderAddress, C.multiply(BigInteger.TEN));
        assertThat(dep.nonce()).isZero();
        assertThat(dep.receipt().getBlockNumber().longValueExact()).isLessThanOrEqualTo(head + 10);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> client.cvmStatus().path("next_deposit_nonce").asLong() == 1);
        assertThat(client.account(holderAddress).path("balance").asText())
            .isEqualTo(C.multiply(BigInteger.TEN).toString());
        assertThat(client.balance().conserved()).isTrue();

        // The manuscript registry enters the CVM chain the same way (issue 14): a manuscript
        // registered and then deprecated on Ethereum is imported once final, inactive after.
        byte[] registered = Hash.sha3("bridge IT registered manuscript".getBytes());
        ManuscriptRegistryWriter registrar =
            new ManuscriptRegistryWriter(transactor(anvil, 0), registry);
        registrar.register(registered, Hash.sha256(registered), "ipfs://bafy-bridge-it");
        registrar.deprecate(registered);
        String hex = "0x" + java.util.HexFormat.of().formatHex(registered);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> manuscriptsQuery(cvm).path("registry_changes_imported").asLong() == 2);
        com.fasterxml.jackson.databind.JsonNode listed = null;
        for (var m : manuscriptsQuery(cvm).path("manuscripts")) {
          if (m.path("hash").asText().equals(hex)) {
            listed = m;
          }
        }
        assertThat(listed).as(hex + " imported").isNotNull();
        assertThat(listed.path("status").asText()).isEqualTo("deprecated");
        assertThat(listed.path("active").asBoolean()).isFalse();
        assertThat(listed.path("locator").asText()).isEqualTo("ipfs://bafy-bridge-it");

        // Withdraw 4 $C to account 7 on Ethereum.
        byte[] recipient = Numbers.bytes(anvil.account(7).address());
        BridgeClient.Withdrawn w =
            client.withdraw(holder, recipient, C.multiply(BigInteger.valueOf(4)));
        assertThat(w.nonce()).isZero();
        // And 1 $C more (sequence 1): its claim shows the steady-state cost.
        BridgeClient.Withdrawn w1 = client.withdraw(holder, recipient, C);
        assertThat(w1.nonce()).isEqualTo(1);
        BridgeClient.Balance inFlight = client.balance();
        assertThat(inFlight.unclaimed()).isEqualTo(C.multiply(BigInteger.valueOf(5)));
        assertThat(inFlight.cvmSupply()).isEqualTo(C.multiply(BigInteger.valueOf(5)));
        assertThat(inFlight.conserved()).isTrue();

        // The relayer (a checkpoint only every 1000 heights otherwise) submits as soon as a
        // certificate carries the new withdrawals root: two heights after the burn.
        Relayer relayer =
            CvmChainFixture.relayer(
                anvil, 1, checkpoints, dir.resolve("relayer"), 1000, chain.rpc());
        CheckpointsReader cps = new CheckpointsReader(transactor(anvil, 1), checkpoints);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> {
                  relayer.step();
                  return cps.latestHeight() > w1.height();
                });
        // Only checkpoints whose withdrawals root changed were sent: the first one seen and the
        // one that covers the burn.
        assertThat(cps.checkpointCount()).isLessThanOrEqualTo(3);

        BridgeClient.Claimed claimed = client.claim(0);
        long first = claimed.receipt().getGasUsed().longValueExact();
        long second = client.claim(1).receipt().getGasUsed().longValueExact();
        System.out.println(
            "[gas] CBridge.claimWithdrawal, whole transaction: first claim (new bitmap word, new"
                + " holder, first period) "
                + first
                + ", second claim (same word, holder has $C) "
                + second);
        // The first claim writes three zero slots (BENCHMARKS: 117,997 with 10 siblings); the goal
        // is the steady state.
        assertThat(second).isLessThan(90_000);
        assertThat(client.reader().isClaimed(0)).isTrue();
        assertThat(
                new org.web3j.abi.datatypes.generated.Uint256(
                    new io.cvmavs.chain.staking.StakingReader(user, d.address("CStaking"))
                        .balanceOf(token, anvil.account(7).address())))
            .isEqualTo(
                new org.web3j.abi.datatypes.generated.Uint256(C.multiply(BigInteger.valueOf(5))));
        // A second claim is refused at estimation (AlreadyClaimed): nothing is sent.
        long sent =
            anvil
                .web3j()
                .ethGetTransactionCount(
                    user.address(), org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount()
                .longValueExact();
        assertThatThrownBy(() -> client.claim(0))
            .isInstanceOf(ChainException.Reverted.class)
            .hasMessageContaining("would revert");
        assertThat(
                anvil
                    .web3j()
                    .ethGetTransactionCount(
                        user.address(), org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                    .send()
                    .getTransactionCount()
                    .longValueExact())
            .isEqualTo(sent);

        BridgeClient.Balance end = client.balance();
        assertThat(end.locked()).isEqualTo(C.multiply(BigInteger.valueOf(5)));
        assertThat(end.claimed()).isEqualTo(2);
        assertThat(end.conserved()).isTrue();
        System.out.println("[bridge] " + BridgeCommand.balanceJson(end));

        // `cvm-avs bridge status` only reads: it runs where no key password can be had (the same
        // configuration's `bridge claim` asks for one: it needs the key) and prints the balance.
        Path config = operatorYaml(anvil, d);
        String[] common = {"--config", config.toString(), "--cvm-rpc", chain.rpc().toString()};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = cli(out, err, concat(new String[] {"bridge", "status"}, common)).intValue();
        assertThat(status).as("%s", err).isZero();
        assertThat(out.toString().trim()).isEqualTo(BridgeCommand.balanceJson(end).toString());
        StringWriter claimErr = new StringWriter();
        int claim =
            cli(
                    new StringWriter(),
                    claimErr,
                    concat(new String[] {"bridge", "claim", "--nonce", "1"}, common))
                .intValue();
        assertThat(claim).isNotZero();
        assertThat(claimErr.toString())
            .contains("a key password was asked for (" + PasswordSource.ECDSA_ENV + ")");
      }
    } finally {
      anvil.revert(snapshot);
    }
  }

  // ------------------------------------------------------------------ fixtures

  /**
   * The bridge commands under a root whose environment refuses to give a password (so no command
   * falls back to a terminal prompt either).
   */
  @Command(name = "cvm-avs", subcommands = BridgeCommand.class)
  static final class NoPasswordRoot implements CliRoot {
    @Override
    public CliContext context() {
      return new CliContext(
          name -> {
            throw new IllegalStateException("a key password was asked for (" + name + ")");
          });
    }

    @Override
    public CommandLine newCommandLine(CliContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private static Integer cli(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new NoPasswordRoot());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println(e.getMessage());
          return 1;
        });
    return cl.execute(args);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * An operator.yaml for anvil account 5 with a real ECDSA keystore whose password is not given.
   */
  private Path operatorYaml(AnvilNode anvil, Deployments d) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("keys"));
    EcdsaKeystore.write(
        keys.resolve("user.ecdsa.json"),
        anvil.account(5).credentials().getEcKeyPair(),
        "not in the environment".toCharArray(),
        ScryptParams.LIGHT,
        new SecureRandom());
    Path config = dir.resolve("operator.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "node_name: bridge-user",
            "eth_rpc_url: " + anvil.rpcUrl(),
            "eth_ws_url: " + anvil.wsUrl(),
            "chain_id: " + anvil.chainId(),
            "deployment_file: " + d.source().toAbsolutePath(),
            "ecdsa_private_key_store_path: keys/user.ecdsa.json",
            "aggregator_url: http://127.0.0.1:1",
            "data_dir: data",
            ""));
    return config;
  }

  // The manuscript's first range starts far beyond anvil's head: no CVM block is ever due.
  private static com.fasterxml.jackson.databind.JsonNode manuscriptsQuery(CometRpcClient cvm)
      throws Exception {
    var q = cvm.abciQuery("/manuscripts", new byte[0], 0, false);
    assertThat(q.code()).as(q.log()).isZero();
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(q.value());
  }

  private CvmChainNet startChain(
      AnvilNode anvil, CBridgeDepositSource source, RegistryManuscriptSource manuscripts)
      throws Exception {
    var rpc = ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty());
    return CvmChainNet.start(
        CHAIN
            .settings(
                1_000_000,
                CvmChainFixture.noBlockDue(),
                rpc::blockNumber,
                dir.resolve("chain"),
                Duration.ofMillis(250))
            .withDeposits(source)
            .withManuscripts(manuscripts));
  }

  private static Transactor transactor(AnvilNode anvil, int account) {
    return CvmChainFixture.transactor(anvil, account);
  }
}
