package io.cvmavs.consensus.app.tx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cvmavs.consensus.app.bridge.BridgeDeposit;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.registry.ManuscriptChange;
import io.cvmavs.consensus.proto.app.BlsValidatorEntry;
import io.cvmavs.consensus.proto.app.Certificate;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.Dataset;
import io.cvmavs.consensus.proto.app.Deposit;
import io.cvmavs.consensus.proto.app.Deposits;
import io.cvmavs.consensus.proto.app.EthereumFinality;
import io.cvmavs.consensus.proto.app.SignedExtension;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.proto.app.ValidatorSetUpdate;
import io.cvmavs.consensus.proto.app.VoteExtension;
import io.cvmavs.consensus.proto.app.Withdraw;
import io.cvmavs.crypto.CryptoException;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.DatasetEntry;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.stake.StakeException;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application's transaction and vote-extension encoding ({@code cvmavs/app/v1/app.proto},
 * version 1): decoding checks every field and names the first bad one; encoding of the CVM types.
 */
public final class TxCodec {
  public static final int VERSION = 1;

  private TxCodec() {}

  /**
   * Decodes and checks the shape of one transaction (not its validity against the state).
   *
   * @throws TxRefusedException {@code MALFORMED} or {@code UNKNOWN}, naming the field
   */
  public static TxEnvelope decode(byte[] tx) {
    TxEnvelope env;
    try {
      env = TxEnvelope.parseFrom(tx);
    } catch (InvalidProtocolBufferException e) {
      throw new TxRefusedException(
          TxRefusedException.MALFORMED, "tx: not a cvmavs.app.v1.TxEnvelope: " + e.getMessage());
    }
    if (!env.getUnknownFields().asMap().isEmpty()) {
      throw new TxRefusedException(
          TxRefusedException.UNKNOWN,
          "tx: unknown field(s) " + env.getUnknownFields().asMap().keySet() + " in TxEnvelope");
    }
    if (env.getVersion() != VERSION) {
      throw new TxRefusedException(
          TxRefusedException.UNKNOWN,
          "tx.version: " + env.getVersion() + " is not a known version (" + VERSION + ")");
    }
    switch (env.getKindCase()) {
      case ETHEREUM_FINALITY -> checkFinality(env.getEthereumFinality());
      case CVM_BLOCK -> checkCvmBlock(env.getCvmBlock());
      case CERTIFICATE -> checkCertificate(env.getCertificate());
      case VALIDATOR_SET -> checkValidatorSet(env.getValidatorSet());
      case DEPOSITS -> checkDeposits(env.getDeposits());
      case MANUSCRIPT_CHANGES -> checkManuscriptChanges(env.getManuscriptChanges());
      case WITHDRAW -> checkWithdraw(env.getWithdraw());
      case DB3_MUTATION -> {
        if (env.getDb3Mutation().getMutation().isEmpty()) {
          throw malformed("db3_mutation.mutation", "empty");
        }
      }
      case KIND_NOT_SET ->
          throw new TxRefusedException(
              TxRefusedException.UNKNOWN,
              "tx.kind: not set (or a kind this version does not know)");
    }
    return env;
  }

  private static void checkFinality(EthereumFinality f) {
    if (f.getHeight() < 1) {
      throw malformed("ethereum_finality.height", "must be >= 1, got " + f.getHeight());
    }
    if (f.getRound() < 0) {
      throw malformed("ethereum_finality.round", "must be >= 0, got " + f.getRound());
    }
    if (f.getExtensionsCount() == 0) {
      throw malformed("ethereum_finality.extensions", "empty");
    }
    for (int i = 0; i < f.getExtensionsCount(); i++) {
      SignedExtension e = f.getExtensions(i);
      String at = "ethereum_finality.extensions[" + i + "]";
      length(at + ".validator_address", e.getValidatorAddress(), 20);
      length(at + ".extension_signature", e.getExtensionSignature(), 64);
      decodeExtension(e.getVoteExtension().toByteArray(), at + ".vote_extension");
    }
  }

  private static void checkCvmBlock(CvmBlockTx b) {
    length("cvm_block.parent_hash", b.getParentHash(), 32);
    length("cvm_block.source_root", b.getSourceRoot(), 32);
    length("cvm_block.manuscript_hash", b.getManuscriptHash(), 32);
    length("cvm_block.state_root", b.getStateRoot(), 32);
    if (b.getChain().isEmpty()) {
      throw malformed("cvm_block.chain", "empty");
    }
    if (b.getFromBlock() > b.getToBlock()) {
      throw malformed(
          "cvm_block.from_block", b.getFromBlock() + " is after to_block " + b.getToBlock());
    }
    if (b.getDatasetsCount() == 0) {
      throw malformed("cvm_block.datasets", "empty");
    }
    for (int i = 0; i < b.getDatasetsCount(); i++) {
      Dataset d = b.getDatasets(i);
      String at = "cvm_block.datasets[" + i + "]";
      if (d.getName().isEmpty()) {
        throw malformed(at + ".name", "empty");
      }
      if (i > 0 && b.getDatasets(i - 1).getName().compareTo(d.getName()) >= 0) {
        throw malformed(at + ".name", "datasets must be sorted by name without duplicates");
      }
      length(at + ".root", d.getRoot(), 32);
      length(at + ".schema_hash", d.getSchemaHash(), 32);
      if (d.getColumnsCount() == 0) {
        throw malformed(at + ".columns", "empty (the dataset's column names are required)");
      }
      if (!Arrays.equals(
          Keccak.hash(CanonicalEncoding.encode(d.getColumnsList())),
          d.getSchemaHash().toByteArray())) {
        throw malformed(at + ".columns", "do not hash to schema_hash");
      }
      for (String k : d.getPrimaryKeyList()) {
        if (!d.getColumnsList().contains(k)) {
          throw malformed(at + ".primary_key", "'" + k + "' is not one of the columns");
        }
      }
      if (d.getRecordCount() != d.getRecordsCount()) {
        throw malformed(
            at + ".record_count",
            d.getRecordCount() + " but the block carries " + d.getRecordsCount() + " records");
      }
    }
  }

  private static void checkCertificate(Certificate c) {
    if (c.getHeight() < 1) {
      throw malformed("certificate.height", "must be >= 1, got " + c.getHeight());
    }
    length("certificate.app_hash", c.getAppHash(), 32);
    length("certificate.cvm_block_hash", c.getCvmBlockHash(), 32);
    length("certificate.cumulative_root", c.getCumulativeRoot(), 32);
    length("certificate.withdrawals_root", c.getWithdrawalsRoot(), 32);
    length("certificate.next_validator_set_hash", c.getNextValidatorSetHash(), 32);
    g1("certificate.aggregate_signature", c.getAggregateSignature());
    g2("certificate.aggregate_public_key_g2", c.getAggregatePublicKeyG2());
    if (c.getSignerBitmap().isEmpty()) {
      throw malformed("certificate.signer_bitmap", "empty");
    }
  }

  private static void checkValidatorSet(ValidatorSetUpdate u) {
    if (u.getValidatorsCount() == 0) {
      throw malformed("validator_set.validators", "empty");
    }
    for (int i = 0; i < u.getValidatorsCount(); i++) {
      validator(u.getValidators(i), "validator_set.validators[" + i + "]");
    }
  }

  private static void checkDeposits(Deposits d) {
    if (d.getDepositsCount() == 0) {
      throw malformed("deposits.deposits", "empty");
    }
    for (int i = 0; i < d.getDepositsCount(); i++) {
      deposit(d.getDeposits(i), "deposits.deposits[" + i + "]");
    }
  }

  /** The deposit a transaction entry describes (shape only). */
  public static BridgeDeposit deposit(Deposit d, String at) {
    length(at + ".sender", d.getSender(), 20);
    length(at + ".recipient", d.getRecipient(), 32);
    length(at + ".eth_tx_hash", d.getEthTxHash(), 32);
    BigInteger amount = amount(at + ".amount", d.getAmount());
    if (d.getRecipient().equals(ByteString.copyFrom(new byte[32]))) {
      throw malformed(at + ".recipient", "is zero");
    }
    return new BridgeDeposit(
        d.getNonce(),
        d.getSender().toByteArray(),
        d.getRecipient().toByteArray(),
        amount,
        d.getEthBlock(),
        d.getEthTxHash().toByteArray());
  }

  public static Deposit deposit(BridgeDeposit d) {
    return Deposit.newBuilder()
        .setNonce(d.nonce())
        .setSender(ByteString.copyFrom(d.sender()))
        .setRecipient(ByteString.copyFrom(d.recipient()))
        .setAmount(ByteString.copyFrom(amountBytes(d.amount())))
        .setEthBlock(d.ethBlock())
        .setEthTxHash(ByteString.copyFrom(d.txHash()))
        .build();
  }

  private static void checkManuscriptChanges(io.cvmavs.consensus.proto.app.ManuscriptChanges c) {
    if (c.getChangesCount() == 0) {
      throw malformed("manuscript_changes.changes", "empty");
    }
    for (int i = 0; i < c.getChangesCount(); i++) {
      manuscriptChange(c.getChanges(i), "manuscript_changes.changes[" + i + "]");
    }
  }

  /** Longest locator the registry accepts ({@code CvmManuscriptRegistry.MAX_LOCATOR_LENGTH}). */
  public static final int MAX_LOCATOR_BYTES = 1024;

  /** The registry change a transaction entry describes (shape only). */
  public static ManuscriptChange manuscriptChange(
      io.cvmavs.consensus.proto.app.ManuscriptChange c, String at) {
    length(at + ".manuscript_hash", c.getManuscriptHash(), 32);
    if (c.getManuscriptHash().equals(ByteString.copyFrom(new byte[32]))) {
      throw malformed(at + ".manuscript_hash", "is zero");
    }
    if (c.getStatus() < ManuscriptChange.ACTIVE || c.getStatus() > ManuscriptChange.REVOKED) {
      throw malformed(
          at + ".status", c.getStatus() + " is not 1 (active), 2 (deprecated) or 3 (revoked)");
    }
    if (c.getStatus() == ManuscriptChange.ACTIVE) {
      length(at + ".content_hash", c.getContentHash(), 32);
      if (c.getLocator().isEmpty()
          || c.getLocator().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
              > MAX_LOCATOR_BYTES) {
        throw malformed(at + ".locator", "must be 1 to " + MAX_LOCATOR_BYTES + " bytes");
      }
    } else {
      length(at + ".content_hash", c.getContentHash(), 0);
      if (!c.getLocator().isEmpty()) {
        throw malformed(at + ".locator", "must be empty for a deprecation or revocation");
      }
    }
    return new ManuscriptChange(
        c.getManuscriptHash().toByteArray(),
        c.getStatus(),
        c.getEthBlock(),
        c.getLogIndex(),
        c.getContentHash().toByteArray(),
        c.getLocator());
  }

  public static io.cvmavs.consensus.proto.app.ManuscriptChange manuscriptChange(
      ManuscriptChange c) {
    return io.cvmavs.consensus.proto.app.ManuscriptChange.newBuilder()
        .setManuscriptHash(ByteString.copyFrom(c.manuscriptHash()))
        .setStatus(c.status())
        .setEthBlock(c.ethBlock())
        .setLogIndex(c.logIndex())
        .setContentHash(ByteString.copyFrom(c.contentHash()))
        .setLocator(c.locator())
        .build();
  }

  private static void checkWithdraw(Withdraw w) {
    length("withdraw.account", w.getAccount(), 20);
    length("withdraw.recipient", w.getRecipient(), 20);
    length("withdraw.signature", w.getSignature(), 65);
    amount("withdraw.amount", w.getAmount());
    if (w.getRecipient().equals(ByteString.copyFrom(new byte[20]))) {
      throw malformed("withdraw.recipient", "is the zero address");
    }
  }

  /** A uint256 amount field: 32 bytes big-endian, greater than zero. */
  public static BigInteger amount(String at, ByteString bytes) {
    length(at, bytes, 32);
    BigInteger v = new BigInteger(1, bytes.toByteArray());
    if (v.signum() == 0) {
      throw malformed(at, "must be > 0");
    }
    return v;
  }

  /** A uint256 as its 32-byte big-endian field. */
  public static byte[] amountBytes(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw malformed("amount", v + " is not a uint256");
    }
    byte[] b = v.toByteArray();
    byte[] w = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, w, 32 - n, n);
    return w;
  }

  /** The validator an entry describes. */
  public static BlsValidator validator(BlsValidatorEntry e, String at) {
    length(at + ".consensus_key", e.getConsensusKey(), 32);
    if (e.getPower() <= 0) {
      throw malformed(at + ".power", "must be > 0, got " + e.getPower());
    }
    try {
      return new BlsValidator(
          ConsensusKey.of(e.getConsensusKey().toByteArray()),
          g1(at + ".g1", e.getG1()),
          g2(at + ".g2", e.getG2()),
          e.getPower());
    } catch (StakeException | CryptoException ex) {
      throw malformed(at, ex.getMessage());
    }
  }

  public static BlsValidatorEntry entry(BlsValidator v) {
    return BlsValidatorEntry.newBuilder()
        .setConsensusKey(ByteString.copyFrom(v.consensusKey().bytes()))
        .setG1(ByteString.copyFrom(v.g1().toBytes()))
        .setG2(ByteString.copyFrom(v.g2().toEvmBytes()))
        .setPower(v.power())
        .build();
  }

  /**
   * Decodes a vote extension.
   *
   * @throws TxRefusedException {@code MALFORMED} / {@code UNKNOWN} naming the field under {@code
   *     at}
   */
  public static VoteExtension decodeExtension(byte[] bytes, String at) {
    VoteExtension ve;
    try {
      ve = VoteExtension.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw malformed(at, "not a cvmavs.app.v1.VoteExtension: " + e.getMessage());
    }
    if (!ve.getUnknownFields().asMap().isEmpty()) {
      throw new TxRefusedException(
          TxRefusedException.UNKNOWN,
          at + ": unknown field(s) " + ve.getUnknownFields().asMap().keySet());
    }
    if (ve.getVersion() != VERSION) {
      throw new TxRefusedException(
          TxRefusedException.UNKNOWN, at + ".version: " + ve.getVersion() + " is not " + VERSION);
    }
    g1(at + ".bls_signature", ve.getBlsSignature());
    return ve;
  }

  public static G1Point g1(String at, ByteString bytes) {
    length(at, bytes, G1Point.ENCODED_LENGTH);
    try {
      return G1Point.fromBytes(bytes.toByteArray()).requireNotInfinity(at);
    } catch (CryptoException e) {
      throw malformed(at, e.getMessage());
    }
  }

  public static G2Point g2(String at, ByteString bytes) {
    length(at, bytes, G2Point.ENCODED_LENGTH);
    try {
      return G2Point.fromEvmBytes(bytes.toByteArray()).requireNotInfinity(at);
    } catch (CryptoException e) {
      throw malformed(at, e.getMessage());
    }
  }

  /** A CVM block as a transaction (header fields and every dataset's records in order). */
  public static CvmBlockTx cvmBlock(CvmBlock block) {
    CvmBlockHeader h = block.header();
    CvmBlockTx.Builder b =
        CvmBlockTx.newBuilder()
            .setHeight(h.height())
            .setParentHash(ByteString.copyFrom(h.parentHash()))
            .setChain(h.input().chain())
            .setFromBlock(h.input().fromBlock())
            .setToBlock(h.input().toBlock())
            .setSourceRoot(ByteString.copyFrom(h.input().sourceRoot()))
            .setManuscriptHash(ByteString.copyFrom(h.manuscriptHash()))
            .setStateRoot(ByteString.copyFrom(h.stateRoot()))
            .setTimestamp(h.timestamp());
    for (DatasetEntry e : h.datasets()) {
      Dataset.Builder d =
          Dataset.newBuilder()
              .setName(e.name())
              .setRecordCount(e.recordCount())
              .setRoot(ByteString.copyFrom(e.root()))
              .setSchemaHash(ByteString.copyFrom(e.schemaHash()));
      CanonicalDataset data = block.datasets().get(e.name());
      if (data != null) {
        d.addAllColumns(data.columns()).addAllPrimaryKey(data.primaryKey());
      }
      if (data == null || data.size() != e.recordCount()) {
        throw new TxRefusedException(
            TxRefusedException.MALFORMED,
            "CVM block " + h.height() + ": dataset '" + e.name() + "' records missing");
      }
      for (int i = 0; i < data.size(); i++) {
        d.addRecords(ByteString.copyFrom(data.record(i)));
      }
      b.addDatasets(d);
    }
    return b.build();
  }

  /**
   * The CVM block a transaction carries, rebuilt from its header fields and its datasets' columns,
   * key and records (the inverse of {@link #cvmBlock}); every dataset's root is recomputed.
   *
   * @throws TxRefusedException (malformed) naming the dataset when its records are not the ones its
   *     root commits to, or the transaction does not carry them
   */
  public static CvmBlock block(CvmBlockTx b) {
    Map<String, CanonicalDataset> datasets = new LinkedHashMap<>();
    for (int i = 0; i < b.getDatasetsCount(); i++) {
      Dataset d = b.getDatasets(i);
      String at = "cvm_block " + b.getHeight() + " datasets[" + i + "] '" + d.getName() + "'";
      if (d.getRecordsCount() != d.getRecordCount()) {
        throw malformed(
            at, "carries " + d.getRecordsCount() + " of " + d.getRecordCount() + " records");
      }
      List<byte[]> records = new ArrayList<>(d.getRecordsCount());
      d.getRecordsList().forEach(r -> records.add(r.toByteArray()));
      CanonicalDataset ds;
      try {
        ds = CanonicalDataset.ofRecords(d.getColumnsList(), d.getPrimaryKeyList(), records);
      } catch (RuntimeException e) {
        throw malformed(at, e.getMessage());
      }
      if (!Arrays.equals(ds.root(), d.getRoot().toByteArray())) {
        throw malformed(at + ".root", "is not the root of its records in key order");
      }
      if (!Arrays.equals(ds.schemaHash(), d.getSchemaHash().toByteArray())) {
        throw malformed(at + ".columns", "do not hash to schema_hash");
      }
      datasets.put(d.getName(), ds);
    }
    return new CvmBlock(header(b), datasets);
  }

  /** The header a CVM block transaction carries (records are not needed for its hash). */
  public static CvmBlockHeader header(CvmBlockTx b) {
    List<DatasetEntry> entries = new ArrayList<>();
    for (Dataset d : b.getDatasetsList()) {
      entries.add(
          new DatasetEntry(
              d.getName(),
              d.getRecordCount(),
              d.getRoot().toByteArray(),
              d.getSchemaHash().toByteArray()));
    }
    return new CvmBlockHeader(
        b.getHeight(),
        b.getParentHash().toByteArray(),
        new InputCommitment(
            b.getChain(), b.getFromBlock(), b.getToBlock(), b.getSourceRoot().toByteArray()),
        b.getManuscriptHash().toByteArray(),
        entries,
        b.getStateRoot().toByteArray(),
        b.getTimestamp());
  }

  public static byte[] envelope(TxEnvelope.Builder b) {
    return b.setVersion(VERSION).build().toByteArray();
  }

  private static void length(String field, ByteString value, int expected) {
    if (value.size() != expected) {
      throw malformed(field, "must be " + expected + " bytes, got " + value.size());
    }
  }

  private static TxRefusedException malformed(String field, String reason) {
    return new TxRefusedException(TxRefusedException.MALFORMED, field + ": " + reason);
  }
}
