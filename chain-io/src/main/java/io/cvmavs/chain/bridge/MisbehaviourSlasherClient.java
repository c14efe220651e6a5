package io.cvmavs.chain.bridge;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@code CvmMisbehaviourSlasher} (contracts/src/bridge/CvmMisbehaviourSlasher.sol) through the one
 * {@link Transactor}: where the processed chain of CometBFT misbehaviour records stands, and {@code
 * report} (estimated first, so a refused report costs no gas and surfaces as {@code
 * ChainException.Reverted}).
 */
public record MisbehaviourSlasherClient(Transactor tx, String slasher) {
  public static final String RECORD_TUPLE = "(uint8,bytes32,uint64,uint64,uint64)";
  public static final String REPORT =
      "report(uint64,"
          + CheckpointsAbi.CHECKPOINT_TUPLE
          + ",uint64,bytes32,bytes32[],"
          + RECORD_TUPLE
          + "[],bytes32[],bytes32[])";
  public static final String PROCESSED_COUNT = "processedCount()";
  public static final String PROCESSED_ROOT = "processedRoot()";
  public static final String MAX_RECORDS_PER_CALL = "maxRecordsPerCall()";

  /** One record as the CVM chain hashed it; {@code validator} is the 32-byte address word. */
  public record Record(int type, byte[] validator, long height, long time, long totalVotingPower) {
    public Record {
      if (type < 0 || type > 255) {
        throw new ChainException("misbehaviour type " + type + " is not a uint8");
      }
      if (validator == null || validator.length != 32) {
        throw new ChainException("misbehaviour validator word must be 32 bytes");
      }
      validator = validator.clone();
    }
  }

  /**
   * A report: the accepted checkpoint (index, struct), the certified leaf (count, root) and its
   * siblings, the records to act on with their validators' Ed25519 keys, and the hashes of the
   * later records up to {@code count}.
   */
  public record Report(
      long checkpointIndex,
      CheckpointData checkpoint,
      long count,
      byte[] root,
      List<byte[]> siblings,
      List<Record> records,
      List<byte[]> consensusKeys,
      List<byte[]> laterRecordHashes) {}

  /** {@code CvmMisbehaviourSlasher.Record}. */
  public static final class RecordStruct extends StaticStruct {
    public RecordStruct(Record r) {
      super(
          new Uint8(r.type()),
          new Bytes32(r.validator()),
          new Uint64(r.height()),
          new Uint64(r.time()),
          new Uint64(r.totalVotingPower()));
    }
  }

  public long processedCount() {
    return words(PROCESSED_COUNT).uint(0).longValueExact();
  }

  public byte[] processedRoot() {
    return words(PROCESSED_ROOT).bytes32(0);
  }

  public long maxRecordsPerCall() {
    BigInteger v = words(MAX_RECORDS_PER_CALL).uint(0);
    return v.bitLength() > 62 ? Long.MAX_VALUE : v.longValueExact();
  }

  /** Anyone: processes {@code r.records()} (see the contract). */
  public TransactionReceipt report(Report r) {
    if (r.records().size() != r.consensusKeys().size()) {
      throw new ChainException(
          "misbehaviour report: "
              + r.records().size()
              + " records but "
              + r.consensusKeys().size()
              + " consensus keys");
    }
    return tx.invoke(
        slasher,
        "CvmMisbehaviourSlasher",
        REPORT,
        new Uint64(r.checkpointIndex()),
        new CheckpointsAbi.CheckpointStruct(r.checkpoint()),
        new Uint64(r.count()),
        new Bytes32(r.root()),
        words32(r.siblings(), "sibling"),
        new DynamicArray<>(
            RecordStruct.class, r.records().stream().map(RecordStruct::new).toList()),
        words32(r.consensusKeys(), "consensus key"),
        words32(r.laterRecordHashes(), "record hash"));
  }

  private static DynamicArray<Bytes32> words32(List<byte[]> words, String what) {
    for (byte[] w : words) {
      if (w == null || w.length != 32) {
        throw new ChainException("misbehaviour report: a " + what + " must be 32 bytes");
      }
    }
    return new DynamicArray<>(Bytes32.class, words.stream().map(Bytes32::new).toList());
  }

  private Words words(String signature, Type<?>... params) {
    return new Words(
        tx.reader()
            .call(
                slasher,
                Abi.call(signature, List.of(params)),
                "CvmMisbehaviourSlasher." + signature),
        "CvmMisbehaviourSlasher." + signature);
  }
}
