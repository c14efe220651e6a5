package io.cvmavs.consensus.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.consensus.app.CvmChainApp;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.TaskComputerEngineIT;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.app.engine.TaskComputerEngine;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.driver.RoundRecord;
import io.cvmavs.consensus.driver.StoredBlock;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.consensus.proto.app.Certificate;
import io.cvmavs.consensus.proto.app.Db3Mutation;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * The CVM chain end to end on the local consensus driver: four real {@link CvmChainApp}s (RocksDB
 * each, in a temp dir) served over the ABCI socket, real BN254 BLS keys and Ed25519 consensus keys,
 * CVM blocks from the real task computation ({@link CvmTaskComputer}: ingestion of a real anvil
 * chain, the manuscript as a Flink job on the JVM's one warm embedded runtime; two independent
 * computers, validators 0-1 on one, 2-3 on the other). Checked: every app reaches the same app
 * hash; a byzantine proposer's wrong CVM block is REJECTed and the next round's proposer commits; a
 * killed validator misses heights and catches up through the handshake's replay after its restart;
 * each checkpoint's aggregate BLS certificate is in the next block and readable over {@code
 * abci_query}, and it verifies; {@code light sync} follows the driver's RPC to the head.
 */
@WithAnvil
class CvmChainNetIT {
  /** The same block-hashes manuscript the engine IT runs. */
  static final byte[] MANUSCRIPT = TaskComputerEngineIT.MANUSCRIPT;

  @TempDir Path dir;

  @Test
  void fourValidatorsFinaliseCvmBlocksThroughFaultsAndALightClientFollows(AnvilNode anvil)
      throws Exception {
    anvil.mine(50);
    BlockSchedule schedule = new BlockSchedule(1, 5);
    AttestedManuscript m = AttestedManuscript.load("eth", "block_hashes.yaml", MANUSCRIPT);
    byte[] manuscriptHash = Keccak.hash(MANUSCRIPT);
    CvmEngine cvmA = engine(schedule, m, anvil, dir.resolve("cvm-a"));
    CvmEngine cvmB = engine(schedule, m, anvil, dir.resolve("cvm-b"));
    // As the devnet's nodes do: the CVM blocks of ended ranges are built ahead (the first Flink job
    // warms the runtime), so PrepareProposal / ProcessProposal find them ready.
    for (long h = 0; h < 10; h++) {
      cvmA.block(manuscriptHash, h, 1 + 5 * h, 5 + 5 * h);
      cvmB.block(manuscriptHash, h, 1 + 5 * h, 5 + 5 * h);
    }
    AtomicBoolean byzantine = new AtomicBoolean();
    CvmEngine faulty = new FaultyEngine(cvmA);
    CvmEngine switching =
        (mh, h, from, to) -> (byzantine.get() ? faulty : cvmA).block(mh, h, from, to);

    List<CvmChainNet.Validator> validators = new ArrayList<>();
    List<BlsValidator> set = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ValidatorKey ed =
          ValidatorKey.fromSeed(
              Keccak.hash(("cvm chain IT " + i).getBytes(StandardCharsets.UTF_8)));
      BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(7000 + i));
      CvmEngine engine = i == 0 ? switching : i == 1 ? cvmA : cvmB;
      validators.add(new CvmChainNet.Validator("validator-" + i, ed, bls, engine));
      set.add(
          new BlsValidator(
              io.cvmavs.stake.validator.ConsensusKey.of(ed.publicKey()),
              bls.publicKeyG1(),
              bls.publicKeyG2(),
              10));
    }
    GenesisState genesis =
        new GenesisState(
            "eth", 1, 5, 0, 1_000_000, 0, 0, List.of(manuscriptHash), BlsValidatorSet.of(set));

    try (CvmChainNet chain =
        CvmChainNet.start(
            new CvmChainNet.Settings(
                "cvm-it-1",
                genesis,
                validators,
                anvil::blockNumber,
                dir.resolve("chain"),
                null,
                java.time.Duration.ofSeconds(30)))) {
      // Honest heights: CVM blocks finalised, every app on the same hash after each.
      for (int i = 0; i < 4; i++) {
        assertThat(chain.step()).isPresent();
        assertSameAppHash(chain, List.of(0, 1, 2, 3));
      }
      assertThat(chain.status().cvmBlocks()).isGreaterThanOrEqualTo(2);

      // Validator 0 turns byzantine: its proposals carry a wrong CVM block, the others REJECT and
      // the next round's proposer commits the height.
      byzantine.set(true);
      String addr0 = chain.driver().addressHex(0);
      int before = chain.driver().rounds().size();
      for (int i = 0; i < 8 && !rejectedProposalOf(chain, addr0, before); i++) {
        assertThat(chain.step()).isPresent();
      }
      assertThat(rejectedProposalOf(chain, addr0, before))
          .as("a round with validator 0 proposing was REJECTED: %s", chain.driver().rounds())
          .isTrue();
      byzantine.set(false);
      assertSameAppHash(chain, List.of(0, 1, 2, 3));
      String honestHash =
          "0x" + HexFormat.of().formatHex(cvmA.block(manuscriptHash, 1, 6, 10).hash());
      assertThat(chain.query("/cvm/block/1").get("hash").asText()).isEqualTo(honestHash);

      // Validator 3 dies, the chain goes on with 3 of 4; after its restart on its data it replays
      // the heights it missed and reaches the same app hash.
      chain.kill(3);
      long killedAt = chain.app(3).height();
      // A DB3 mutation (database, ordered collection, a document in one group) submitted over the
      // RPC while validator 3 is down: the others apply it, validator 3 replays it after restart.
      MutationSigner user = MutationSigner.eth(ECKeyPair.create(BigInteger.valueOf(0xDB3)));
      Identity db3db = DerivedIds.database(user.identity(), 1, 0);
      Mutation mutation =
          user.sign(
              CvmChainApp.db3ChainId("cvm-it-1"),
              1,
              new Payload.Group(
                  List.of(
                      new Payload.CreateDatabase("it", "", List.of(), List.of()),
                      new Payload.CreateCollection(
                          db3db, "kv", List.of(IndexSpec.ordered("by_n", "n"))),
                      new Payload.AddDocuments(
                          db3db,
                          "kv",
                          List.of(
                              BsonDocuments.encode(new BsonDocument("n", new BsonInt32(1))))))));
      byte[] db3Tx =
          TxCodec.envelope(
              TxEnvelope.newBuilder()
                  .setDb3Mutation(
                      Db3Mutation.newBuilder()
                          .setMutation(ByteString.copyFrom(mutation.encode()))));
      String range =
          "{\"op\":\"range\",\"db\":\"" + db3db + "\",\"collection\":\"kv\",\"index\":\"by_n\"}";
      try (CometRpcClient rpc = new CometRpcClient(chain.rpc(), java.time.Duration.ofSeconds(10))) {
        var sync = rpc.broadcastTxSync(db3Tx);
        assertThat(sync.code()).as(sync.log()).isZero();
        for (int i = 0; i < 3; i++) {
          assertThat(chain.step()).isPresent();
        }
        var q = rpc.abciQuery("/db3/query", range.getBytes(StandardCharsets.UTF_8), 0, false);
        assertThat(q.code()).as(q.log()).isZero();
        assertThat(new ObjectMapper().readTree(q.value()).get("results")).hasSize(1);
      }
      assertThat(chain.driver().isUp(3)).isFalse();
      assertThat(chain.driver().latestHeight()).isGreaterThan(killedAt + 2);
      chain.restart(3);
      assertThat(chain.step()).isPresent();
      assertThat(chain.driver().isUp(3)).isTrue();
      assertThat(chain.app(3).height()).isEqualTo(chain.driver().latestHeight());
      assertSameAppHash(chain, List.of(0, 1, 2, 3));
      assertThat(chain.app(3).state().hasDb3Data()).isTrue();
      assertThat(chain.app(3).state().chainbasedbRoot)
          .isEqualTo(chain.app(0).state().chainbasedbRoot);

      // Certificates: the checkpoint of H, aggregated in H+1's block, readable by abci_query and
      // verifying against the aggregate key of the bitmap's signers.
      CvmChainNet.Status status = chain.status();
      assertThat(status.certificates()).isGreaterThanOrEqualTo((int) status.height() - 2);
      assertThat(status.rejectedRounds()).isPositive();
      long h = status.height() - 1;
      StoredBlock next = chain.driver().block(h + 1).orElseThrow();
      Certificate inBlock =
          next.txs().stream()
              .map(tx -> TxCodec.decode(tx.toByteArray()))
              .filter(TxEnvelope::hasCertificate)
              .map(TxEnvelope::getCertificate)
              .findFirst()
              .orElseThrow();
      assertThat(inBlock.getHeight()).isEqualTo(h);
      JsonNode cert = chain.query("/certificate/" + h);
      assertThat(cert.get("aggregate_signature").asText())
          .isEqualTo(
              "0x" + HexFormat.of().formatHex(inBlock.getAggregateSignature().toByteArray()));
      CvmChainApp app = chain.app(1);
      byte[] digest =
          new io.cvmavs.consensus.app.model.Checkpoint(
                  inBlock.getHeight(),
                  inBlock.getAppHash().toByteArray(),
                  inBlock.getCvmBlockHash().toByteArray(),
                  inBlock.getCumulativeRoot().toByteArray(),
                  inBlock.getWithdrawalsRoot().toByteArray(),
                  inBlock.getNextValidatorSetHash().toByteArray())
              .digest("cvm-it-1");
      BlsValidatorSet signing = app.state().currentSet;
      assertThat(
              Bls.verify(
                  signing.aggregateG2(inBlock.getSignerBitmap().toByteArray()),
                  digest,
                  G1Point.fromBytes(inBlock.getAggregateSignature().toByteArray())))
          .isTrue();

      // light sync from block 1 to the head over the driver's RPC.
      CvmChainNet.LightSync sync = chain.lightSync(status.height());
      assertThat(sync.exitCode()).as(sync.output()).isZero();
      assertThat(sync.height()).isEqualTo(status.height());
    }
  }

  private static CvmEngine engine(
      BlockSchedule schedule, AttestedManuscript m, AnvilNode anvil, Path dir) {
    return new TaskComputerEngine(
        new CvmTaskComputer(
            new CvmTaskComputer.Settings("eth", schedule), List.of(m), anvil.web3j(), dir));
  }

  private static boolean rejectedProposalOf(CvmChainNet chain, String address, int from) {
    List<RoundRecord> rounds = chain.driver().rounds();
    return rounds.subList(from, rounds.size()).stream()
        .anyMatch(
            r ->
                r.proposer().equalsIgnoreCase(address)
                    && r.outcome() == RoundRecord.Outcome.REJECTED);
  }

  private static void assertSameAppHash(CvmChainNet chain, List<Integer> nodes) {
    byte[] first = chain.app(nodes.get(0)).appHash();
    for (int i : nodes) {
      assertThat(chain.app(i).height()).isEqualTo(chain.driver().latestHeight());
      assertThat(Arrays.equals(chain.app(i).appHash(), first))
          .as("app hash of validator %d", i)
          .isTrue();
    }
  }
}
