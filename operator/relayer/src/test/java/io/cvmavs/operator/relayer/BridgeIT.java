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
import io.cvmavs.chain.bridge.CheckpointsWriter;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.bridge.CBridgeDepositSource;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.registry.RegistryManuscriptSource;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.stake.validator.ConsensusKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;

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
  private static final String CHAIN_ID = "cvm-1"; // the deploy script's default CVM_CHAIN_ID
  private static final BigInteger C = BigInteger.TEN.pow(18);

  @TempDir Path dir;

  @Test
  void depositCreditedWithdrawalRelayedAndClaimedOnceWithConservation(AnvilNode anvil)
      throws Exception {
    String snapshot = anvil.snapshot();
    try {
      Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
      String checkpoints = d.address("CvmCheckpoints");
      String bridge = d.address("CBridge");
      long deployBlock = 0;
      new CheckpointsWriter(transactor(anvil, 0), checkpoints)
          .setGenesisValidatorSet(CommittedSet.entriesOf(genesisSet()), 1);
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
            new Relayer(
                new Relayer.Settings(1000, dir.resolve("relayer")),
                CometCvmChain.connect(chain.rpc(), Duration.ofSeconds(10)),
                new ContractCheckpointChain(transactor(anvil, 1), checkpoints),
                checkpoints,
                new RelayerMetrics(new SimpleMeterRegistry()),
                e -> {});
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
      }
    } finally {
      anvil.revert(snapshot);
    }
  }

  // ------------------------------------------------------------------ fixtures

  private static List<BlsKeyPair> blsKeys() {
    List<BlsKeyPair> ks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ks.add(BlsKeyPair.fromSecret(BigInteger.valueOf(7200 + i)));
    }
    return ks;
  }

  private static ValidatorKey edKey(int i) {
    return ValidatorKey.fromSeed(Hash.sha3(("bridge IT " + i).getBytes(StandardCharsets.UTF_8)));
  }

  private static BlsValidatorSet genesisSet() {
    List<BlsValidator> set = new ArrayList<>();
    List<BlsKeyPair> bls = blsKeys();
    for (int i = 0; i < 4; i++) {
      set.add(
          new BlsValidator(
              ConsensusKey.of(edKey(i).publicKey()),
              bls.get(i).publicKeyG1(),
              bls.get(i).publicKeyG2(),
              10));
    }
    return BlsValidatorSet.of(set);
  }

  private static com.fasterxml.jackson.databind.JsonNode manuscriptsQuery(CometRpcClient cvm)
      throws Exception {
    var q = cvm.abciQuery("/manuscripts", new byte[0], 0, false);
    assertThat(q.code()).as(q.log()).isZero();
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(q.value());
  }

  private CvmChainNet startChain(
      AnvilNode anvil, CBridgeDepositSource source, RegistryManuscriptSource manuscripts)
      throws Exception {
    List<CvmChainNet.Validator> validators = new ArrayList<>();
    List<BlsKeyPair> bls = blsKeys();
    for (int i = 0; i < 4; i++) {
      validators.add(
          new CvmChainNet.Validator(
              "validator-" + i,
              edKey(i),
              bls.get(i),
              (m, h, from, to) -> {
                throw new IllegalStateException("no CVM block is due in this test");
              }));
    }
    // The manuscript's first range starts far beyond anvil's head: no CVM block is ever due.
    GenesisState genesis =
        new GenesisState(
            "eth",
            1_000_000,
            5,
            0,
            1_000_000,
            0,
            0,
            List.of(Hash.sha3("bridge IT manuscript".getBytes(StandardCharsets.UTF_8))),
            genesisSet());
    var rpc = ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty());
    return CvmChainNet.start(
        new CvmChainNet.Settings(
                CHAIN_ID,
                genesis,
                validators,
                rpc::blockNumber,
                dir.resolve("chain"),
                Duration.ofMillis(250),
                Duration.ofSeconds(30))
            .withDeposits(source)
            .withManuscripts(manuscripts));
  }

  private static Transactor transactor(AnvilNode anvil, int account) {
    return ChainAccess.open(
        URI.create(anvil.rpcUrl()),
        anvil.account(account).credentials().getEcKeyPair(),
        Optional.of(anvil.chainId()));
  }
}
