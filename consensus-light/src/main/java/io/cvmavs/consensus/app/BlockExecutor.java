package io.cvmavs.consensus.app;

import com.google.protobuf.ByteString;
import io.cvmavs.chainbasedb.validate.Refusal;
import io.cvmavs.consensus.app.bridge.BridgeDeposit;
import io.cvmavs.consensus.app.bridge.DepositSource;
import io.cvmavs.consensus.app.bridge.Withdrawals;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.consensus.app.registry.ManuscriptChange;
import io.cvmavs.consensus.app.registry.ManuscriptSource;
import io.cvmavs.consensus.app.state.Account;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.app.state.AppStore;
import io.cvmavs.consensus.app.state.ManuscriptHead;
import io.cvmavs.consensus.app.state.RegistryEntry;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.app.validators.ValidatorSource;
import io.cvmavs.consensus.proto.abci.Event;
import io.cvmavs.consensus.proto.abci.EventAttribute;
import io.cvmavs.consensus.proto.abci.ExecTxResult;
import io.cvmavs.consensus.proto.abci.Misbehavior;
import io.cvmavs.consensus.proto.app.Certificate;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.Dataset;
import io.cvmavs.consensus.proto.app.Deposits;
import io.cvmavs.consensus.proto.app.EthereumFinality;
import io.cvmavs.consensus.proto.app.ManuscriptChanges;
import io.cvmavs.consensus.proto.app.SignedExtension;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.proto.app.ValidatorSetUpdate;
import io.cvmavs.consensus.proto.app.VoteExtension;
import io.cvmavs.consensus.proto.app.Withdraw;
import io.cvmavs.consensus.proto.app.WithdrawalRecord;
import io.cvmavs.consensus.proto.types.CanonicalVoteExtension;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.stake.validator.ValidatorSetDiff;
import io.cvmavs.stake.validator.ValidatorUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Applies one block's transactions to a copy of the committed state — the one code path of
 * ProcessProposal (strict: any bad transaction rejects the block, and CVM blocks and validator sets
 * are recomputed and compared) and FinalizeBlock (a bad transaction gets its code and changes
 * nothing). Never reads Ethereum itself: the engine and the validator source are only consulted in
 * strict (ProcessProposal) mode.
 */
final class BlockExecutor {
  /** Transaction kinds in the order a block must carry them, each at most once. */
  private static final List<TxEnvelope.KindCase> ORDER =
      List.of(
          TxEnvelope.KindCase.ETHEREUM_FINALITY,
          TxEnvelope.KindCase.CERTIFICATE,
          TxEnvelope.KindCase.VALIDATOR_SET,
          TxEnvelope.KindCase.DEPOSITS,
          TxEnvelope.KindCase.MANUSCRIPT_CHANGES,
          TxEnvelope.KindCase.CVM_BLOCK,
          TxEnvelope.KindCase.WITHDRAW,
          TxEnvelope.KindCase.DB3_MUTATION);

  /** Kinds a block may carry more than once (consecutively, in their place of {@link #ORDER}). */
  private static final Set<TxEnvelope.KindCase> REPEATABLE =
      Set.of(TxEnvelope.KindCase.WITHDRAW, TxEnvelope.KindCase.DB3_MUTATION);

  /**
   * How a block's DB3 mutations run: applied to the node's ChainbaseDB (FinalizeBlock) or only
   * checked against its committed state (ProcessProposal, PrepareProposal's trial runs).
   */
  interface Db3Stage {
    /**
     * Runs every DB3 mutation of block {@code height} in block order (called once per block, also
     * with none).
     */
    Db3Outcome run(long height, List<byte[]> mutations);
  }

  /**
   * A block's DB3 outcome: the {@code chainbasedb} leaf after it and, per mutation in block order,
   * its refusal (empty when applied). A check run (ProcessProposal, PrepareProposal) applies
   * nothing and returns the committed leaf, so the app hash of its result is not the block's: only
   * FinalizeBlock's result may be stored or compared.
   */
  record Db3Outcome(byte[] leaf, List<Optional<Refusal>> refusals) {}

  /**
   * At most this many DB3 mutations per block (PrepareProposal fills up to it; more is refused).
   */
  static final int MAX_DB3_MUTATIONS_PER_BLOCK = 1000;

  /** At most this many deposits are credited per block. */
  static final int MAX_DEPOSITS_PER_BLOCK = 256;

  /** At most this many manuscript registry changes are imported per block. */
  static final int MAX_REGISTRY_CHANGES_PER_BLOCK = 64;

  /** What a block did: the new state, records to store with it, per-tx results, updates. */
  static final class Result {
    final AppState state;
    final Map<byte[], byte[]> records = AppStore.records();
    final List<ExecTxResult> txResults = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    List<ValidatorUpdate> validatorUpdates = List.of();
    byte[] cvmBlockHash = new byte[32];

    Result(AppState state) {
      this.state = state;
    }
  }

  private final String chainId;
  private final Optional<CvmEngine> engine;
  private final Optional<ValidatorSource> validators;
  private final Optional<DepositSource> deposits;
  private final Optional<ManuscriptSource> registry;

  BlockExecutor(
      String chainId,
      Optional<CvmEngine> engine,
      Optional<ValidatorSource> validators,
      Optional<DepositSource> deposits,
      Optional<ManuscriptSource> registry) {
    this.chainId = chainId;
    this.engine = engine;
    this.validators = validators;
    this.deposits = deposits;
    this.registry = registry;
  }

  /**
   * @param strict ProcessProposal: throw on the first bad transaction and on a missing certificate;
   *     compare CVM blocks and validator sets with this node's own
   * @throws TxRefusedException in strict mode, naming the transaction and field
   */
  Result execute(
      AppState base,
      List<ByteString> txs,
      long height,
      List<Misbehavior> misbehaviour,
      boolean strict,
      Db3Stage db3) {
    if (height != base.height + 1) {
      throw new TxRefusedException(
          TxRefusedException.INVALID,
          "block " + height + " does not follow the committed height " + base.height);
    }
    Result r = new Result(base.copy());
    AppState w = r.state;
    BlsValidatorSet pendingSet = null;
    int lastKind = -1;
    Set<TxEnvelope.KindCase> seen = new HashSet<>();
    List<Integer> db3At = new ArrayList<>();
    List<byte[]> db3Txs = new ArrayList<>();
    for (int i = 0; i < txs.size(); i++) {
      String at = "block " + height + " tx " + i;
      try {
        TxEnvelope env;
        try {
          env = TxCodec.decode(txs.get(i).toByteArray());
        } catch (TxRefusedException e) {
          throw new TxRefusedException(e.code(), at + ": " + e.getMessage());
        }
        int kind = ORDER.indexOf(env.getKindCase());
        boolean again = REPEATABLE.contains(env.getKindCase()) && kind == lastKind;
        if (!again && (kind <= lastKind || !seen.add(env.getKindCase()))) {
          throw invalid(at, env.getKindCase() + " out of order or repeated (order: " + ORDER + ")");
        }
        lastKind = kind;
        switch (env.getKindCase()) {
          case ETHEREUM_FINALITY -> applyFinality(w, env.getEthereumFinality(), at, r);
          case CERTIFICATE -> applyCertificate(w, env.getCertificate(), txs.get(i), at, r);
          case VALIDATOR_SET ->
              pendingSet = applyValidatorSet(w, env.getValidatorSet(), at, strict, r);
          case CVM_BLOCK -> applyCvmBlock(w, env.getCvmBlock(), at, strict, r);
          case DEPOSITS -> applyDeposits(w, env.getDeposits(), at, strict, r);
          case MANUSCRIPT_CHANGES ->
              applyManuscriptChanges(w, env.getManuscriptChanges(), at, strict, r);
          case WITHDRAW -> applyWithdraw(w, env.getWithdraw(), at, height, r);
          case DB3_MUTATION -> {
            // Every validator checks each mutation's signature in ProcessProposal and again in
            // FinalizeBlock: the bound holds for every proposer, not only honest ones.
            if (db3Txs.size() == MAX_DB3_MUTATIONS_PER_BLOCK) {
              throw invalid(
                  at, "more than " + MAX_DB3_MUTATIONS_PER_BLOCK + " DB3 mutations in one block");
            }
            // Run together after the loop (one ChainbaseDB block); the result is filled in there.
            db3At.add(i);
            db3Txs.add(env.getDb3Mutation().getMutation().toByteArray());
          }
          case KIND_NOT_SET -> throw new IllegalStateException("decode refuses KIND_NOT_SET");
        }
        r.txResults.add(ExecTxResult.newBuilder().setCode(0).build());
      } catch (TxRefusedException e) {
        if (strict) {
          throw e;
        }
        r.txResults.add(ExecTxResult.newBuilder().setCode(e.code()).setLog(e.getMessage()).build());
      }
    }
    Db3Outcome d = db3.run(height, db3Txs);
    for (int j = 0; j < db3At.size(); j++) {
      int i = db3At.get(j);
      Optional<Refusal> refused = d.refusals().get(j);
      if (refused.isPresent()) {
        TxRefusedException e = db3Refusal("block " + height + " tx " + i, refused.get());
        if (strict) {
          throw e;
        }
        r.txResults.set(
            i,
            ExecTxResult.newBuilder()
                .setCode(e.code())
                .setCodespace(TxRefusedException.DB3_CODESPACE)
                .setLog(e.getMessage())
                .build());
      } else {
        r.events.add(
            event("db3_mutation", "tx", Integer.toString(i), "height", Long.toString(height)));
      }
    }
    w.chainbasedbRoot = d.leaf().clone();
    if (strict && base.lastCheckpoint != null) {
      for (TxEnvelope.KindCase k :
          List.of(TxEnvelope.KindCase.ETHEREUM_FINALITY, TxEnvelope.KindCase.CERTIFICATE)) {
        if (!seen.contains(k)) {
          throw invalid(
              "block " + height, "carries no " + k + " for height " + base.height + " (required)");
        }
      }
    }
    for (Misbehavior m : misbehaviour) {
      w.misbehaviourRoot =
          MisbehaviourProofs.chain(w.misbehaviourRoot, MisbehaviourProofs.recordHash(m));
      r.records.put(AppStore.key(MisbehaviourProofs.RECORD, w.misbehaviourCount), m.toByteArray());
      final long index = w.misbehaviourCount;
      MisbehaviourProofs.keyOf(
              m.getValidator().getAddress().toByteArray(),
              List.of(base.signingSet, base.currentSet, base.nextSet))
          .ifPresent(k -> r.records.put(AppStore.key(MisbehaviourProofs.KEY, index), k));
      w.misbehaviourCount++;
      r.events.add(
          event(
              "misbehavior",
              "type",
              m.getType().name(),
              "validator",
              HexFormat.of().withUpperCase().formatHex(m.getValidator().getAddress().toByteArray()),
              "height",
              Long.toString(m.getHeight())));
    }
    Checkpoint checkpoint = checkpoint(base, height, r.cvmBlockHash);
    w.signingSet = base.currentSet;
    w.currentSet = base.nextSet;
    w.nextSet = pendingSet != null ? pendingSet : base.nextSet;
    w.height = height;
    w.lastCheckpoint = checkpoint;
    w.appHash = w.computeAppHash();
    StateRootHistory.record(w, r.records);
    if (w.misbehaviourCount > 0) {
      // The proof of the misbehaviour leaf against this height's app hash (MisbehaviourProofs).
      r.records.put(
          AppStore.key(MisbehaviourProofs.PROOF, height), MisbehaviourProofs.proofRecord(w));
    }
    return r;
  }

  /** The checkpoint of {@code height} over the state committed at {@code height - 1}. */
  static Checkpoint checkpoint(AppState base, long height, byte[] cvmBlockHash) {
    return new Checkpoint(
        height,
        base.appHash(),
        cvmBlockHash,
        base.cvmBlocks.root(),
        base.withdrawals.root(),
        base.nextSet.hash());
  }

  private void applyFinality(AppState w, EthereumFinality f, String at, Result r) {
    if (f.getHeight() != w.height) {
      throw invalid(
          at, "ethereum_finality.height " + f.getHeight() + " is not the last height " + w.height);
    }
    BlsValidatorSet set = w.signingSet;
    Set<Integer> signers = new HashSet<>();
    List<long[]> reports = new ArrayList<>();
    for (int i = 0; i < f.getExtensionsCount(); i++) {
      SignedExtension e = f.getExtensions(i);
      String ea = at + ": ethereum_finality.extensions[" + i + "]";
      int idx =
          set.indexOfAddress(e.getValidatorAddress().toByteArray())
              .orElseThrow(
                  () -> invalid(ea, "validator_address is not a validator of " + f.getHeight()));
      if (!signers.add(idx)) {
        throw invalid(ea, "validator_address repeated");
      }
      BlsValidator v = set.entries().get(idx);
      byte[] signBytes =
          extensionSignBytes(e.getVoteExtension(), f.getHeight(), f.getRound(), chainId);
      if (!Ed25519.verify(
          e.getExtensionSignature().toByteArray(),
          0,
          v.consensusKey().bytes(),
          0,
          signBytes,
          0,
          signBytes.length)) {
        throw invalid(ea, "extension_signature does not verify with the validator's Ed25519 key");
      }
      VoteExtension ve = TxCodec.decodeExtension(e.getVoteExtension().toByteArray(), ea);
      reports.add(new long[] {ve.getEthFinalHeight(), v.power()});
    }
    long agreed = agreedHeight(reports, set);
    if (agreed < 0) {
      throw invalid(at, "the extensions carry no more than 2/3 of the power of " + f.getHeight());
    }
    w.ethFinalHeight = Math.max(w.ethFinalHeight, agreed);
    r.events.add(event("eth_finality", "height", Long.toString(w.ethFinalHeight)));
  }

  /**
   * The highest Ethereum height that validators with more than 2/3 of the power reported as final
   * (each reported height counts for every lower one), or -1 without quorum.
   */
  static long agreedHeight(List<long[]> reports, BlsValidatorSet set) {
    List<long[]> sorted = new ArrayList<>(reports);
    sorted.sort((a, b) -> Long.compare(b[0], a[0]));
    long power = 0;
    for (long[] rep : sorted) {
      power += rep[1];
      if (set.isQuorum(power)) {
        return rep[0];
      }
    }
    return -1;
  }

  /** CometBFT's vote-extension sign bytes: the uvarint-length-prefixed CanonicalVoteExtension. */
  static byte[] extensionSignBytes(ByteString extension, long height, int round, String chainId) {
    CanonicalVoteExtension c =
        CanonicalVoteExtension.newBuilder()
            .setExtension(extension)
            .setHeight(height)
            .setRound(round)
            .setChainId(chainId)
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      c.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private void applyCertificate(AppState w, Certificate c, ByteString raw, String at, Result r) {
    Checkpoint cp = w.lastCheckpoint;
    if (cp == null || c.getHeight() != cp.height()) {
      throw invalid(
          at,
          "certificate.height "
              + c.getHeight()
              + " is not the last checkpoint's height "
              + w.height);
    }
    Checkpoint claimed =
        new Checkpoint(
            c.getHeight(),
            c.getAppHash().toByteArray(),
            c.getCvmBlockHash().toByteArray(),
            c.getCumulativeRoot().toByteArray(),
            c.getWithdrawalsRoot().toByteArray(),
            c.getNextValidatorSetHash().toByteArray());
    if (!claimed.equals(cp)) {
      throw invalid(at, "certificate fields differ from checkpoint " + cp);
    }
    BlsValidatorSet set = w.signingSet;
    byte[] bitmap = c.getSignerBitmap().toByteArray();
    if (bitmap.length != (set.size() + 7) / 8) {
      throw invalid(
          at,
          "certificate.signer_bitmap has "
              + bitmap.length
              + " bytes for "
              + set.size()
              + " validators");
    }
    for (int i = set.size(); i < bitmap.length * 8; i++) {
      if (BlsValidatorSet.bit(bitmap, i)) {
        throw invalid(at, "certificate.signer_bitmap sets bit " + i + " beyond the set");
      }
    }
    if (!set.isQuorum(set.power(bitmap))) {
      throw invalid(at, "certificate signers hold no more than 2/3 of the power");
    }
    G2Point apk = TxCodec.g2("certificate.aggregate_public_key_g2", c.getAggregatePublicKeyG2());
    if (!apk.equals(set.aggregateG2(bitmap))) {
      throw invalid(at, "certificate.aggregate_public_key_g2 is not the sum of the signers' keys");
    }
    G1Point sig = TxCodec.g1("certificate.aggregate_signature", c.getAggregateSignature());
    if (!Bls.verify(apk, cp.digest(chainId), sig)) {
      throw invalid(at, "certificate.aggregate_signature does not verify");
    }
    w.lastCertificateHeight = c.getHeight();
    w.lastCertificateHash = Keccak.hash(c.toByteArray());
    r.records.put(AppStore.key("cert/", c.getHeight()), c.toByteArray());
    r.events.add(event("certificate", "height", Long.toString(c.getHeight())));
  }

  private BlsValidatorSet applyValidatorSet(
      AppState w, ValidatorSetUpdate u, String at, boolean strict, Result r) {
    if (u.getEpoch() != w.epoch + 1) {
      throw invalid(at, "validator_set.epoch " + u.getEpoch() + " is not " + (w.epoch + 1));
    }
    long boundary = w.epochGenesisBlock + u.getEpoch() * w.epochLengthBlocks;
    if (u.getEthBlock() != boundary) {
      throw invalid(
          at, "validator_set.eth_block " + u.getEthBlock() + " is not epoch boundary " + boundary);
    }
    if (boundary > w.ethFinalHeight) {
      throw invalid(
          at,
          "validator_set.eth_block " + boundary + " is above the final height " + w.ethFinalHeight);
    }
    List<BlsValidator> vs = new ArrayList<>();
    for (int i = 0; i < u.getValidatorsCount(); i++) {
      vs.add(TxCodec.validator(u.getValidators(i), "validator_set.validators[" + i + "]"));
    }
    BlsValidatorSet set;
    try {
      set = BlsValidatorSet.of(vs);
    } catch (RuntimeException e) {
      throw invalid(at, "validator_set: " + e.getMessage());
    }
    if (strict) {
      ValidatorSource source =
          validators.orElseThrow(
              () ->
                  invalid(at, "this node has no validator source to check epoch " + u.getEpoch()));
      BlsValidatorSet own;
      try {
        own = source.epochSet(u.getEpoch());
      } catch (RuntimeException e) {
        throw invalid(
            at, "cannot compute epoch " + u.getEpoch() + " to compare: " + e.getMessage());
      }
      if (!own.equals(set)) {
        throw invalid(at, "validator_set differs from this node's set of epoch " + u.getEpoch());
      }
    }
    w.epoch = u.getEpoch();
    r.validatorUpdates = ValidatorSetDiff.diff(w.nextSet.cometSet(), set.cometSet());
    r.events.add(
        event(
            "validator_set",
            "epoch",
            Long.toString(u.getEpoch()),
            "size",
            Integer.toString(set.size())));
    return set;
  }

  private void applyCvmBlock(AppState w, CvmBlockTx b, String at, boolean strict, Result r) {
    String mhex = HexFormat.of().formatHex(b.getManuscriptHash().toByteArray());
    ManuscriptHead head = w.manuscripts.get(mhex);
    if (head == null) {
      throw invalid(at, "cvm_block.manuscript_hash 0x" + mhex + " is not registered");
    }
    if (!w.isActive(mhex)) {
      RegistryEntry e = w.registry.get(mhex);
      throw invalid(
          at,
          "cvm_block.manuscript_hash 0x"
              + mhex
              + " is "
              + ManuscriptChange.statusName(e.status())
              + " in the manuscript registry (Ethereum block "
              + e.ethBlock()
              + ", imported at height "
              + e.importedAt()
              + "): it gets no more CVM blocks");
    }
    if (b.getHeight() != head.nextHeight()) {
      throw invalid(
          at, "cvm_block.height " + b.getHeight() + " is not the next height " + head.nextHeight());
    }
    if (!Arrays.equals(b.getParentHash().toByteArray(), head.headHash())) {
      throw invalid(at, "cvm_block.parent_hash is not the manuscript's head");
    }
    if (!b.getChain().equals(w.chain)) {
      throw invalid(at, "cvm_block.chain '" + b.getChain() + "' is not '" + w.chain + "'");
    }
    long from = w.scheduleGenesisBlock + b.getHeight() * w.blocksPerCvmBlock;
    long to = from + w.blocksPerCvmBlock - 1;
    if (b.getFromBlock() != from || b.getToBlock() != to) {
      throw invalid(
          at,
          "cvm_block range "
              + b.getFromBlock()
              + "-"
              + b.getToBlock()
              + " is not the schedule's "
              + from
              + "-"
              + to);
    }
    if (to > w.ethFinalHeight) {
      throw invalid(
          at, "cvm_block.to_block " + to + " is above the agreed final height " + w.ethFinalHeight);
    }
    for (int i = 0; i < b.getDatasetsCount(); i++) {
      Dataset d = b.getDatasets(i);
      List<byte[]> records = new ArrayList<>(d.getRecordsCount());
      for (ByteString rec : d.getRecordsList()) {
        records.add(rec.toByteArray());
      }
      if (!Arrays.equals(DatasetMerkleTree.ofRecords(records).root(), d.getRoot().toByteArray())) {
        throw invalid(at, "cvm_block.datasets[" + i + "].root is not the root of its records");
      }
    }
    CvmBlockHeader header = TxCodec.header(b);
    byte[] expectedState =
        CvmBlockHeader.nextStateRoot(head.headStateRoot(), header.datasetsRoot());
    if (!Arrays.equals(expectedState, header.stateRoot())) {
      throw invalid(at, "cvm_block.state_root does not follow the manuscript's head state root");
    }
    byte[] hash = header.hash();
    if (strict) {
      CvmEngine e =
          engine.orElseThrow(() -> invalid(at, "this node has no CVM engine to re-execute"));
      CvmBlock own;
      try {
        own = e.block(b.getManuscriptHash().toByteArray(), b.getHeight(), from, to);
      } catch (
          RuntimeException ex) { // CvmException, an RPC failure: this node cannot confirm the block
        throw invalid(
            at, "this node cannot build CVM block " + b.getHeight() + ": " + ex.getMessage());
      }
      if (!Arrays.equals(own.hash(), hash)) {
        throw invalid(
            at,
            "cvm_block "
                + b.getHeight()
                + " hash 0x"
                + HexFormat.of().formatHex(hash)
                + " differs from this node's 0x"
                + HexFormat.of().formatHex(own.hash()));
      }
    }
    long cvmHeight = w.cvmBlocks.count();
    byte[] datasetRoot = CvmTaskComputer.datasetRoot(header);
    w.cvmBlocks.append(AbiWords.of().uint(cvmHeight).bytes32(hash).bytes32(datasetRoot).keccak());
    w.manuscripts.put(
        mhex,
        new ManuscriptHead(head.manuscriptHash(), b.getHeight() + 1, hash, header.stateRoot()));
    CvmBlockTx.Builder stored = b.toBuilder();
    for (int i = 0; i < stored.getDatasetsCount(); i++) {
      stored.setDatasets(i, stored.getDatasets(i).toBuilder().clearRecords());
    }
    r.records.put(AppStore.key("cvm/", cvmHeight), stored.build().toByteArray());
    // The height that finalises it (w.height is still the previous one here): a checkpoint of
    // height H covers exactly the CVM blocks finalised up to H - 1 (CvmBlockProofs).
    r.records.put(
        AppStore.key(CvmBlockProofs.FINALIZED_AT, cvmHeight),
        java.nio.ByteBuffer.allocate(8).putLong(w.height + 1).array());
    r.cvmBlockHash = hash;
    r.events.add(
        event(
            "cvm_block",
            "cvm_height",
            Long.toString(cvmHeight),
            "manuscript",
            "0x" + mhex,
            "height",
            Long.toString(b.getHeight()),
            "hash",
            "0x" + HexFormat.of().formatHex(hash)));
  }

  /**
   * Credits deposits: nonces from the state's next one with no gap, each in an Ethereum block at or
   * below the agreed final height; in strict mode each must equal this node's own reading of the
   * event.
   */
  private void applyDeposits(AppState w, Deposits d, String at, boolean strict, Result r) {
    if (d.getDepositsCount() > MAX_DEPOSITS_PER_BLOCK) {
      throw invalid(at, "more than " + MAX_DEPOSITS_PER_BLOCK + " deposits in one block");
    }
    List<BridgeDeposit> credited = new ArrayList<>();
    for (int i = 0; i < d.getDepositsCount(); i++) {
      String da = at + ": deposits.deposits[" + i + "]";
      BridgeDeposit dep = TxCodec.deposit(d.getDeposits(i), da);
      long expected = w.depositNonce + i;
      if (dep.nonce() != expected) {
        throw invalid(
            da,
            "nonce "
                + dep.nonce()
                + " is not the next one to credit ("
                + expected
                + "): deposits are credited once, in order, with no gap");
      }
      if (dep.ethBlock() > w.ethFinalHeight) {
        throw invalid(
            da,
            "eth_block "
                + dep.ethBlock()
                + " is above the agreed final height "
                + w.ethFinalHeight);
      }
      credited.add(dep);
    }
    if (strict) {
      DepositSource source =
          deposits.orElseThrow(
              () -> invalid(at, "this node has no Ethereum deposit source to check deposits"));
      List<BridgeDeposit> own;
      try {
        own = source.deposits(w.depositNonce, w.ethFinalHeight, credited.size());
      } catch (RuntimeException e) {
        throw invalid(at, "cannot read CBridge deposits to compare: " + e.getMessage());
      }
      for (int i = 0; i < credited.size(); i++) {
        if (i >= own.size()) {
          throw invalid(
              at,
              "deposit "
                  + credited.get(i).nonce()
                  + " is not final on Ethereum at "
                  + w.ethFinalHeight
                  + " in this node's view");
        }
        if (!own.get(i).equals(credited.get(i))) {
          throw invalid(
              at + ": deposits.deposits[" + i + "]",
              credited.get(i) + " differs from this node's " + own.get(i));
        }
      }
    }
    for (BridgeDeposit dep : credited) {
      Account a = w.account(dep.recipient());
      w.accounts.put(
          HexFormat.of().formatHex(dep.recipient()),
          new Account(a.balance().add(dep.amount()), a.sequence()));
      w.supply = w.supply.add(dep.amount());
      w.depositNonce = dep.nonce() + 1;
      r.events.add(
          event(
              "deposit",
              "nonce",
              Long.toString(dep.nonce()),
              "recipient",
              "0x" + HexFormat.of().formatHex(dep.recipient()),
              "amount",
              dep.amount().toString()));
    }
  }

  /**
   * Imports manuscript registry changes: from the state's cursor on, in chain order, each in an
   * Ethereum block at or below the agreed final height and each a transition the registry allows
   * (registered once; deprecated when active; revoked when active or deprecated); in strict mode
   * the list must equal this node's own reading from the cursor, so a change left out, added,
   * reordered or altered is refused. A registered manuscript that is not yet in the state starts at
   * CVM height 0 of the chain's schedule (the same chain of blocks the CVM attests for it on
   * Ethereum); a deprecated or revoked one gets no more CVM blocks.
   */
  private void applyManuscriptChanges(
      AppState w, ManuscriptChanges c, String at, boolean strict, Result r) {
    if (c.getChangesCount() > MAX_REGISTRY_CHANGES_PER_BLOCK) {
      throw invalid(
          at, "more than " + MAX_REGISTRY_CHANGES_PER_BLOCK + " manuscript changes in one block");
    }
    long fromBlock = w.registryNextBlock;
    long fromLogIndex = w.registryNextLogIndex;
    List<ManuscriptChange> changes = new ArrayList<>();
    long nextBlock = fromBlock;
    long nextLog = fromLogIndex;
    java.util.Map<String, Integer> status = new java.util.HashMap<>();
    for (int i = 0; i < c.getChangesCount(); i++) {
      String ca = at + ": manuscript_changes.changes[" + i + "]";
      ManuscriptChange ch = TxCodec.manuscriptChange(c.getChanges(i), ca);
      if (!ch.atOrAfter(nextBlock, nextLog)) {
        throw invalid(
            ca,
            "Ethereum block "
                + ch.ethBlock()
                + " log "
                + ch.logIndex()
                + " is before the import position (block "
                + nextBlock
                + " log "
                + nextLog
                + "): changes are imported once, in chain order");
      }
      if (ch.ethBlock() > w.ethFinalHeight) {
        throw invalid(
            ca,
            "eth_block " + ch.ethBlock() + " is above the agreed final height " + w.ethFinalHeight);
      }
      String mhex = HexFormat.of().formatHex(ch.manuscriptHash());
      Integer current =
          status.containsKey(mhex)
              ? status.get(mhex)
              : Optional.ofNullable(w.registry.get(mhex)).map(RegistryEntry::status).orElse(null);
      boolean allowed =
          switch (ch.status()) {
            case ManuscriptChange.ACTIVE -> current == null;
            case ManuscriptChange.DEPRECATED ->
                current != null && current == ManuscriptChange.ACTIVE;
            default ->
                current != null
                    && (current == ManuscriptChange.ACTIVE
                        || current == ManuscriptChange.DEPRECATED);
          };
      if (!allowed) {
        throw invalid(
            ca,
            "manuscript 0x"
                + mhex
                + " cannot become "
                + ManuscriptChange.statusName(ch.status())
                + " from "
                + (current == null ? "unregistered" : ManuscriptChange.statusName(current))
                + " (the registry allows no such change)");
      }
      status.put(mhex, ch.status());
      changes.add(ch);
      nextBlock = ch.ethBlock();
      nextLog = ch.logIndex() + 1;
    }
    if (strict) {
      ManuscriptSource source =
          registry.orElseThrow(
              () ->
                  invalid(at, "this node has no manuscript registry source to check the changes"));
      List<ManuscriptChange> own;
      try {
        own = source.changes(fromBlock, fromLogIndex, w.ethFinalHeight, changes.size());
      } catch (RuntimeException e) {
        throw invalid(at, "cannot read the manuscript registry to compare: " + e.getMessage());
      }
      for (int i = 0; i < changes.size(); i++) {
        String ca = at + ": manuscript_changes.changes[" + i + "]";
        if (i >= own.size()) {
          throw invalid(
              ca,
              changes.get(i)
                  + " is not a registry change final at "
                  + w.ethFinalHeight
                  + " in this node's view");
        }
        if (!own.get(i).equals(changes.get(i))) {
          throw invalid(
              ca,
              changes.get(i)
                  + " differs from this node's reading: "
                  + own.get(i)
                  + (own.get(i).ethBlock() < changes.get(i).ethBlock()
                          || (own.get(i).ethBlock() == changes.get(i).ethBlock()
                              && own.get(i).logIndex() < changes.get(i).logIndex())
                      ? " (left out)"
                      : ""));
        }
      }
    }
    for (ManuscriptChange ch : changes) {
      String mhex = HexFormat.of().formatHex(ch.manuscriptHash());
      RegistryEntry before = w.registry.get(mhex);
      w.registry.put(
          mhex,
          new RegistryEntry(
              ch.status(),
              before == null ? ch.contentHash() : before.contentHash(),
              before == null ? ch.locator() : before.locator(),
              ch.ethBlock(),
              w.height + 1));
      if (ch.status() == ManuscriptChange.ACTIVE && !w.manuscripts.containsKey(mhex)) {
        w.manuscripts.put(mhex, ManuscriptHead.fresh(ch.manuscriptHash()));
      }
      w.registryNextBlock = ch.ethBlock();
      w.registryNextLogIndex = ch.logIndex() + 1;
      w.registryImported++;
      r.events.add(
          event(
              "manuscript",
              "hash",
              "0x" + mhex,
              "status",
              ManuscriptChange.statusName(ch.status()),
              "eth_block",
              Long.toString(ch.ethBlock())));
    }
  }

  /**
   * Burns a signed withdrawal: the account's signature and sequence, a balance that covers it; the
   * leaf {@code (nonce, recipient, amount)} is appended to the withdrawals accumulator with nonce =
   * its index.
   */
  private void applyWithdraw(AppState w, Withdraw wd, String at, long height, Result r) {
    BigInteger amount = TxCodec.amount("withdraw.amount", wd.getAmount());
    byte[] recipient = wd.getRecipient().toByteArray();
    byte[] address = wd.getAccount().toByteArray();
    byte[] digest = Withdrawals.digest(chainId, wd.getSequence(), recipient, amount);
    byte[] signer;
    try {
      signer = Withdrawals.recover(digest, wd.getSignature().toByteArray());
    } catch (AppException e) {
      throw invalid(at, "withdraw.signature: " + e.getMessage());
    }
    if (!Arrays.equals(signer, address)) {
      throw invalid(at, "withdraw.signature is not withdraw.account's");
    }
    byte[] account = Withdrawals.account(address);
    Account a = w.account(account);
    if (wd.getSequence() != a.sequence()) {
      throw invalid(
          at, "withdraw.sequence " + wd.getSequence() + " is not the account's " + a.sequence());
    }
    if (a.balance().compareTo(amount) < 0) {
      throw invalid(
          at, "withdraw.amount " + amount + " exceeds the account's balance " + a.balance());
    }
    long nonce = w.withdrawals.count();
    w.accounts.put(
        HexFormat.of().formatHex(account),
        new Account(a.balance().subtract(amount), a.sequence() + 1));
    w.supply = w.supply.subtract(amount);
    w.withdrawn = w.withdrawn.add(amount);
    w.withdrawals.append(Withdrawals.leaf(nonce, recipient, amount));
    r.records.put(
        AppStore.key("wd/", nonce),
        WithdrawalRecord.newBuilder()
            .setNonce(nonce)
            .setRecipient(wd.getRecipient())
            .setAmount(wd.getAmount())
            .setAccount(wd.getAccount())
            .setHeight(height)
            .setSequence(wd.getSequence())
            .build()
            .toByteArray());
    r.events.add(
        event(
            "withdrawal",
            "nonce",
            Long.toString(nonce),
            "recipient",
            "0x" + HexFormat.of().formatHex(recipient),
            "amount",
            amount.toString()));
  }

  /** The CVM block hash a proposal carries (zeros if none or undecodable). */
  static byte[] cvmBlockHashOf(List<ByteString> txs) {
    for (ByteString tx : txs) {
      try {
        TxEnvelope env = TxCodec.decode(tx.toByteArray());
        if (env.hasCvmBlock()) {
          return TxCodec.header(env.getCvmBlock()).hash();
        }
      } catch (RuntimeException e) {
        // A malformed transaction has no CVM block; ProcessProposal rejects the proposal.
      }
    }
    return new byte[32];
  }

  static Event event(String type, String... kv) {
    Event.Builder e = Event.newBuilder().setType(type);
    for (int i = 0; i + 1 < kv.length; i += 2) {
      e.addAttributes(EventAttribute.newBuilder().setKey(kv[i]).setValue(kv[i + 1]).setIndex(true));
    }
    return e.build();
  }

  /**
   * A refused DB3 mutation as the app reports it: code {@link TxRefusedException#DB3_BASE} + its
   * chainbasedb code, the log naming the field inside {@code db3_mutation.mutation}.
   */
  static TxRefusedException db3Refusal(String at, Refusal refusal) {
    return new TxRefusedException(
        TxRefusedException.DB3_BASE + refusal.code().code(),
        (at.isEmpty() ? "" : at + ": ")
            + "db3_mutation.mutation."
            + refusal.field()
            + ": "
            + refusal.code()
            + ": "
            + refusal.detail());
  }

  private static TxRefusedException invalid(String at, String reason) {
    return new TxRefusedException(TxRefusedException.INVALID, at + ": " + reason);
  }
}
