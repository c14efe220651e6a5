package io.cvmavs.operator.relayer;

import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.chain.bridge.CheckpointsWriter;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.app.engine.EthereumHead;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.localnet.anvil.AnvilNode;
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
import org.web3j.crypto.Hash;

/**
 * The set-up the bridge ITs share (RelayerIT, BridgeIT, ProveCheckpointIT in operator/cli through
 * this module's test-jar): anvil with the real deploy script's contracts and the genesis BLS set
 * written into {@code CvmCheckpoints}, and the CVM chain as four real {@code CvmChainApp}s behind
 * the local consensus driver ({@link CvmChainNet}). Each test class keeps its own keys (a label and
 * a secret base), so their chains never share a validator.
 *
 * @param label seeds the validators' Ed25519 keys ({@code label + " " + i}) and names the one
 *     registered manuscript ({@code label + " manuscript"})
 * @param blsSecretBase the validators' BLS secrets are {@code blsSecretBase + i}
 */
public record CvmChainFixture(String label, int blsSecretBase) {
  /** The deploy script's default CVM_CHAIN_ID. */
  public static final String CHAIN_ID = "cvm-1";

  /** The four validators' BLS keys. */
  public List<BlsKeyPair> blsKeys() {
    List<BlsKeyPair> ks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ks.add(BlsKeyPair.fromSecret(BigInteger.valueOf(blsSecretBase + i)));
    }
    return ks;
  }

  public ValidatorKey edKey(int i) {
    return ValidatorKey.fromSeed(Hash.sha3((label + " " + i).getBytes(StandardCharsets.UTF_8)));
  }

  /** The four validators at power 10 each. */
  public BlsValidatorSet genesisSet() {
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

  /**
   * Deploys the contracts with the real deploy script and writes {@link #genesisSet()} into {@code
   * CvmCheckpoints} (anvil account 0, the owner).
   */
  public Deployments deployWithGenesisSet(AnvilNode anvil) {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    new CheckpointsWriter(transactor(anvil, 0), d.address("CvmCheckpoints"))
        .setGenesisValidatorSet(CommittedSet.entriesOf(genesisSet()), 1);
    return d;
  }

  /**
   * The settings of a four-validator chain with one registered manuscript (Ethereum blocks {@code
   * firstBlock + 5h .. firstBlock + 4 + 5h} for CVM block h), every validator running {@code
   * engine}; add deposits with {@link CvmChainNet.Settings#withDeposits}.
   *
   * @param blockInterval null: heights advance only through {@link CvmChainNet#step()}
   */
  public CvmChainNet.Settings settings(
      long firstBlock,
      CvmEngine engine,
      EthereumHead ethereum,
      Path dataDirectory,
      Duration blockInterval) {
    List<CvmChainNet.Validator> validators = new ArrayList<>();
    List<BlsKeyPair> bls = blsKeys();
    for (int i = 0; i < 4; i++) {
      validators.add(new CvmChainNet.Validator("validator-" + i, edKey(i), bls.get(i), engine));
    }
    GenesisState genesis =
        new GenesisState(
            "eth",
            firstBlock,
            5,
            0,
            1_000_000,
            0,
            0,
            List.of(Hash.sha3((label + " manuscript").getBytes(StandardCharsets.UTF_8))),
            genesisSet());
    return new CvmChainNet.Settings(
        CHAIN_ID,
        genesis,
        validators,
        ethereum,
        dataDirectory,
        blockInterval,
        Duration.ofSeconds(30));
  }

  /** An engine for chains whose manuscript range never becomes final: it must never be asked. */
  public static CvmEngine noBlockDue() {
    return (m, h, from, to) -> {
      throw new IllegalStateException("no CVM block is due in this test");
    };
  }

  /** A transactor of anvil's {@code account}, checking the chain id. */
  public static Transactor transactor(AnvilNode anvil, int account) {
    return ChainAccess.open(
        URI.create(anvil.rpcUrl()),
        anvil.account(account).credentials().getEcKeyPair(),
        Optional.of(anvil.chainId()));
  }

  /** A keyless reader of {@code CvmCheckpoints}. */
  public static CheckpointsReader checkpointsReader(AnvilNode anvil, String checkpoints) {
    return new CheckpointsReader(
        ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty()), checkpoints);
  }

  /**
   * A relayer submitting from anvil's {@code account} every {@code every} heights, with its state
   * in {@code data}, reading the CVM chain at {@code cvmRpc}.
   */
  public static Relayer relayer(
      AnvilNode anvil, int account, String checkpoints, Path data, long every, URI cvmRpc) {
    return new Relayer(
        new Relayer.Settings(every, data),
        CometCvmChain.connect(cvmRpc, Duration.ofSeconds(10)),
        new ContractCheckpointChain(transactor(anvil, account), checkpoints),
        checkpoints,
        new RelayerMetrics(new SimpleMeterRegistry()),
        e -> {});
  }
}
