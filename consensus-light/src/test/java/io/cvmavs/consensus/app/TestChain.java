package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.validators.ValidatorSource;
import io.cvmavs.consensus.proto.abci.ExtendedCommitInfo;
import io.cvmavs.consensus.proto.abci.ExtendedVoteInfo;
import io.cvmavs.consensus.proto.abci.RequestCheckTx;
import io.cvmavs.consensus.proto.abci.RequestExtendVote;
import io.cvmavs.consensus.proto.abci.RequestFinalizeBlock;
import io.cvmavs.consensus.proto.abci.RequestInitChain;
import io.cvmavs.consensus.proto.abci.RequestPrepareProposal;
import io.cvmavs.consensus.proto.abci.RequestProcessProposal;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.RequestVerifyVoteExtension;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal;
import io.cvmavs.consensus.proto.abci.ResponseVerifyVoteExtension;
import io.cvmavs.consensus.proto.abci.Validator;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The app's unit tests' block loop: calls N apps directly in the order CometBFT's ABCI++ spec lays
 * down for one height (PrepareProposal at the proposer, ProcessProposal at all, ExtendVote /
 * VerifyVoteExtension, FinalizeBlock, Commit), signing vote extensions with each validator's
 * Ed25519 key as CometBFT does. A test fixture, not a consensus engine (that is the driver's job).
 */
final class TestChain implements AutoCloseable {
  static final String CHAIN_ID = "cvm-test-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] MANUSCRIPT = Keccak.hash("manuscript".getBytes());

  final List<Node> nodes = new ArrayList<>();
  final AtomicLong ethFinal = new AtomicLong();
  final Path dir;
  final GenesisState genesis;
  List<ExtendedVoteInfo> lastExtensions = List.of();

  /** Every node snapshots at heights divisible by this (0: never). */
  static long snapshotInterval = 0;

  int lastRound;

  /** Every node's CBridge reading (empty: no node credits deposits). */
  Optional<io.cvmavs.consensus.app.bridge.DepositSource> deposits = Optional.empty();

  /** Every node's manuscript registry reading (empty: no node imports registry changes). */
  Optional<io.cvmavs.consensus.app.registry.ManuscriptSource> manuscripts = Optional.empty();

  /** Reopens every node's app with {@code source} as its manuscript registry reading. */
  void setManuscripts(io.cvmavs.consensus.app.registry.ManuscriptSource source) {
    manuscripts = Optional.of(source);
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).app.close();
      open(i);
    }
  }

  /** Misbehaviour CometBFT would report in the next FinalizeBlock (cleared once delivered). */
  final List<io.cvmavs.consensus.proto.abci.Misbehavior> nextMisbehaviour = new ArrayList<>();

  /** User transactions CometBFT's mempool would hand the next proposer (cleared once included). */
  final List<ByteString> mempool = new ArrayList<>();

  /** Reopens every node's app with {@code source} as its CBridge reading. */
  void setDeposits(io.cvmavs.consensus.app.bridge.DepositSource source) {
    deposits = Optional.of(source);
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).app.close();
      open(i);
    }
  }

  /** One validator: its keys and its app. */
  static final class Node {
    final BlsKeyPair bls;
    final byte[] edSecret;
    final byte[] edPublic;
    CvmEngine engine;
    Optional<ValidatorSource> validators;
    CvmChainApp app;
    Path dir;

    Node(int seed) {
      this.bls = BlsKeyPair.fromSecret(BigInteger.valueOf(1000 + seed));
      this.edSecret = sha256(("ed25519-" + seed).getBytes());
      this.edPublic = new byte[32];
      Ed25519.generatePublicKey(edSecret, 0, edPublic, 0);
    }

    ConsensusKey key() {
      return ConsensusKey.of(edPublic);
    }

    byte[] address() {
      return key().address();
    }
  }

  TestChain(Path dir, int validators, long power, CvmEngine engine, long blocksPerCvmBlock) {
    this(dir, validators, power, engine, blocksPerCvmBlock, Optional.empty(), 1000);
  }

  TestChain(
      Path dir,
      int validators,
      long power,
      CvmEngine engine,
      long blocksPerCvmBlock,
      Optional<ValidatorSource> source,
      long epochLength) {
    this(dir, validators, power, engine, 100, blocksPerCvmBlock, source, epochLength, MANUSCRIPT);
  }

  TestChain(
      Path dir,
      int validators,
      long power,
      CvmEngine engine,
      long scheduleGenesis,
      long blocksPerCvmBlock,
      Optional<ValidatorSource> source,
      long epochLength,
      byte[] manuscript) {
    this.dir = dir;
    List<BlsValidator> set = new ArrayList<>();
    for (int i = 0; i < validators; i++) {
      Node n = new Node(i);
      n.engine = engine;
      n.validators = source;
      nodes.add(n);
      set.add(new BlsValidator(n.key(), n.bls.publicKeyG1(), n.bls.publicKeyG2(), power));
    }
    BlsValidatorSet genesisSet =
        source.isPresent() ? source.get().epochSet(0) : BlsValidatorSet.of(set);
    genesis =
        new GenesisState(
            "eth",
            scheduleGenesis,
            blocksPerCvmBlock,
            0,
            epochLength,
            scheduleGenesis - 1,
            0,
            List.of(manuscript),
            genesisSet);
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).dir = dir.resolve("node" + i);
      open(i);
      nodes
          .get(i)
          .app
          .initChain(
              RequestInitChain.newBuilder()
                  .setChainId(CHAIN_ID)
                  .setInitialHeight(1)
                  .setAppStateBytes(ByteString.copyFrom(genesis.toJsonBytes()))
                  .build());
    }
    ethFinal.set(scheduleGenesis - 1);
  }

  /** Restarts node {@code i}'s app with another CVM. */
  void setEngine(int i, CvmEngine engine) {
    nodes.get(i).app.close();
    nodes.get(i).engine = engine;
    open(i);
  }

  void open(int i) {
    Node n = nodes.get(i);
    CvmChainApp.Settings settings =
        new CvmChainApp.Settings(
                Optional.of(n.bls),
                ethFinal::get,
                Optional.ofNullable(n.engine),
                n.validators,
                1_000_000)
            .withSnapshots(snapshotInterval, 700);
    if (deposits != null && deposits.isPresent()) {
      settings = settings.withDeposits(deposits.get());
    }
    if (manuscripts != null && manuscripts.isPresent()) {
      settings = settings.withManuscripts(manuscripts.get());
    }
    n.app = CvmChainApp.open(n.dir, settings);
  }

  /** One height: returns the txs the proposer chose and the common app hash. */
  record Outcome(List<ByteString> txs, byte[] appHash, List<ResponseFinalizeBlock> responses) {}

  long height() {
    return nodes.get(0).app.height();
  }

  RequestPrepareProposal prepareRequest(long h) {
    return RequestPrepareProposal.newBuilder()
        .setHeight(h)
        .setMaxTxBytes(100 << 20)
        .addAllTxs(mempool)
        .setLocalLastCommit(
            ExtendedCommitInfo.newBuilder().setRound(lastRound).addAllVotes(lastExtensions))
        .build();
  }

  static ByteString blockHash(long h, List<ByteString> txs) {
    MessageDigest md = sha();
    md.update(Long.toString(h).getBytes());
    txs.forEach(t -> md.update(t.toByteArray()));
    return ByteString.copyFrom(md.digest());
  }

  /** Runs one height with every node and asserts all accept and reach the same app hash. */
  Outcome step() {
    long h = height() + 1;
    Node proposer = nodes.get((int) (h % nodes.size()));
    if (nodes.get(0).app.state().currentSet.indexOfAddress(proposer.address()).isEmpty()) {
      proposer = nodes.get(0);
    }
    List<ByteString> txs = proposer.app.prepareProposal(prepareRequest(h)).getTxsList();
    ByteString hash = blockHash(h, txs);
    for (Node n : nodes) {
      assertThat(process(n, h, txs, hash))
          .as("ProcessProposal at " + h)
          .isEqualTo(ResponseProcessProposal.ProposalStatus.ACCEPT);
    }
    List<ExtendedVoteInfo> votes = new ArrayList<>();
    BlsValidatorSet voting = nodes.get(0).app.state().currentSet;
    for (Node n : nodes) {
      if (voting.indexOfAddress(n.address()).isEmpty()) {
        continue;
      }
      ByteString ext = extendVote(n, h, hash, txs);
      for (Node v : nodes) {
        assertThat(verify(v, h, hash, n.address(), ext))
            .isEqualTo(ResponseVerifyVoteExtension.VerifyStatus.ACCEPT);
      }
      votes.add(signedVote(n, h, 0, ext));
    }
    List<ResponseFinalizeBlock> rs = new ArrayList<>();
    for (Node n : nodes) {
      rs.add(
          n.app.finalizeBlock(
              finalizeRequest(h, txs, hash).toBuilder()
                  .addAllMisbehavior(nextMisbehaviour)
                  .build()));
      n.app.commit(io.cvmavs.consensus.proto.abci.RequestCommit.getDefaultInstance());
    }
    for (ResponseFinalizeBlock r : rs) {
      assertThat(r.getAppHash()).isEqualTo(rs.get(0).getAppHash());
    }
    lastExtensions = votes;
    lastRound = 0;
    nextMisbehaviour.clear();
    mempool.removeAll(txs);
    return new Outcome(txs, rs.get(0).getAppHash().toByteArray(), rs);
  }

  /** {@code n}'s vote extension for the block {@code hash} at {@code h}. */
  static ByteString extendVote(Node n, long h, ByteString hash, List<ByteString> txs) {
    return n.app
        .extendVote(
            RequestExtendVote.newBuilder().setHeight(h).setHash(hash).addAllTxs(txs).build())
        .getVoteExtension();
  }

  /**
   * A new node that reads no Ethereum (no deposit source, Ethereum head 0), initialised with this
   * chain's genesis; the caller closes it.
   */
  CvmChainApp openWithoutEthereum(Path appDir) {
    CvmChainApp app =
        CvmChainApp.open(
            appDir,
            new CvmChainApp.Settings(
                Optional.empty(), () -> 0L, Optional.empty(), Optional.empty(), 1));
    try {
      app.initChain(
          RequestInitChain.newBuilder()
              .setChainId(CHAIN_ID)
              .setInitialHeight(1)
              .setAppStateBytes(ByteString.copyFrom(genesis.toJsonBytes()))
              .build());
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    return app;
  }

  /**
   * Replays {@code outcomes} (heights 1, 2, ...) on {@code app}, asserting each height reaches the
   * app hash the chain reached; returns the responses.
   */
  static List<ResponseFinalizeBlock> replay(CvmChainApp app, List<Outcome> outcomes) {
    List<ResponseFinalizeBlock> rs = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      ResponseFinalizeBlock r =
          app.finalizeBlock(
              finalizeRequest(
                  i + 1, outcomes.get(i).txs(), blockHash(i + 1, outcomes.get(i).txs())));
      app.commit(io.cvmavs.consensus.proto.abci.RequestCommit.getDefaultInstance());
      assertThat(r.getAppHash().toByteArray()).isEqualTo(outcomes.get(i).appHash());
      rs.add(r);
    }
    return rs;
  }

  /** {@code app}'s CheckTx answer for {@code tx}. */
  static ResponseCheckTx checkTx(CvmChainApp app, ByteString tx) {
    return app.checkTx(RequestCheckTx.newBuilder().setTx(tx).build());
  }

  /** The JSON answer of an ABCI query, asserting it succeeded. */
  static JsonNode query(CvmChainApp app, String path) throws Exception {
    var r = app.query(RequestQuery.newBuilder().setPath(path).build());
    assertThat(r.getCode()).as(path + ": " + r.getLog()).isZero();
    return JSON.readTree(r.getValue().toByteArray());
  }

  static RequestFinalizeBlock finalizeRequest(long h, List<ByteString> txs, ByteString hash) {
    return RequestFinalizeBlock.newBuilder().setHeight(h).addAllTxs(txs).setHash(hash).build();
  }

  static ResponseProcessProposal.ProposalStatus process(
      Node n, long h, List<ByteString> txs, ByteString hash) {
    return process(n.app, h, txs, hash);
  }

  /** {@code app}'s answer to a proposal of {@code txs} at {@code h} under their block hash. */
  static ResponseProcessProposal.ProposalStatus process(
      CvmChainApp app, long h, List<ByteString> txs) {
    return process(app, h, txs, blockHash(h, txs));
  }

  private static ResponseProcessProposal.ProposalStatus process(
      CvmChainApp app, long h, List<ByteString> txs, ByteString hash) {
    return app.processProposal(
            RequestProcessProposal.newBuilder().setHeight(h).addAllTxs(txs).setHash(hash).build())
        .getStatus();
  }

  static ResponseVerifyVoteExtension.VerifyStatus verify(
      Node v, long h, ByteString hash, byte[] address, ByteString ext) {
    return v.app
        .verifyVoteExtension(
            RequestVerifyVoteExtension.newBuilder()
                .setHeight(h)
                .setHash(hash)
                .setValidatorAddress(ByteString.copyFrom(address))
                .setVoteExtension(ext)
                .build())
        .getStatus();
  }

  /**
   * The ExtendedVoteInfo CometBFT would hand the next proposer, signed with the node's Ed25519 key.
   */
  ExtendedVoteInfo signedVote(Node n, long h, int round, ByteString ext) {
    byte[] msg = BlockExecutor.extensionSignBytes(ext, h, round, CHAIN_ID);
    byte[] sig = new byte[64];
    Ed25519.sign(n.edSecret, 0, msg, 0, msg.length, sig, 0);
    return ExtendedVoteInfo.newBuilder()
        .setValidator(
            Validator.newBuilder().setAddress(ByteString.copyFrom(n.address())).setPower(10))
        .setVoteExtension(ext)
        .setExtensionSignature(ByteString.copyFrom(sig))
        .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_COMMIT)
        .build();
  }

  static byte[] sha256(byte[] b) {
    return sha().digest(b);
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    nodes.forEach(n -> n.app.close());
  }
}
