package io.cvmavs.chain.bridge;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.Log;

/** Views of {@code CvmCheckpoints}: the last accepted height, the committed validator sets. */
public record CheckpointsReader(RpcClient rpc, String checkpoints) {

  /** Reads as {@code tx}'s account ({@link Transactor#reader()}). */
  public CheckpointsReader(Transactor tx, String checkpoints) {
    this(tx.reader(), checkpoints);
  }

  public String address() {
    return checkpoints;
  }

  /** The last accepted height (the genesis start height − 1 before the first checkpoint). */
  public long latestHeight() {
    return words(CheckpointsAbi.LATEST_HEIGHT).uint(0).longValueExact();
  }

  public long currentSetId() {
    return words(CheckpointsAbi.CURRENT_SET_ID).uint(0).longValueExact();
  }

  public long checkpointCount() {
    return words(CheckpointsAbi.CHECKPOINT_COUNT).uint(0).longValueExact();
  }

  /** The hash the next rotation must match; 32 zero bytes when none is pending. */
  public byte[] pendingSetHash() {
    return words(CheckpointsAbi.PENDING_SET_HASH).bytes32(0);
  }

  /** keccak256 of the CVM chain's CometBFT chain id string, as the contract was deployed with. */
  public byte[] cvmChainId() {
    return words(CheckpointsAbi.CVM_CHAIN_ID).bytes32(0);
  }

  /** The contract's own digest of {@code cp} (a cross-check of the local encoding). */
  public byte[] checkpointDigest(CheckpointData cp) {
    return words(CheckpointsAbi.CHECKPOINT_DIGEST, new CheckpointsAbi.CheckpointStruct(cp))
        .bytes32(0);
  }

  /** Whether {@code cp} is accepted checkpoint number {@code index} and still retained. */
  public boolean isAccepted(long index, CheckpointData cp) {
    return words(
                CheckpointsAbi.IS_ACCEPTED,
                new Uint64(index),
                new CheckpointsAbi.CheckpointStruct(cp))
            .uint(0)
            .signum()
        != 0;
  }

  /** How many of the latest checkpoints the contract keeps for proofs ({@code HISTORY}). */
  public long history() {
    return words(CheckpointsAbi.HISTORY).uint(0).longValueExact();
  }

  /** One {@code CheckpointAccepted} event. */
  public record Accepted(
      long index,
      long height,
      byte[] digest,
      byte[] cumulativeRoot,
      byte[] withdrawalsRoot,
      long block) {}

  /**
   * {@code CheckpointAccepted} events in [fromBlock, toBlock] ({@code eth_getLogs} in bounded
   * ranges), in log order (so by index).
   */
  public List<Accepted> accepted(long fromBlock, long toBlock) {
    LogScanner.Query q =
        LogScanner.Query.of("CheckpointAccepted", checkpoints, Events.CHECKPOINT_ACCEPTED.topic());
    List<Accepted> out = new ArrayList<>();
    for (Log log : rpc.logs().logs(q, fromBlock, toBlock)) {
      Map<String, Object> e = Events.CHECKPOINT_ACCEPTED.decode(log);
      out.add(
          new Accepted(
              ((BigInteger) e.get("index")).longValueExact(),
              ((BigInteger) e.get("height")).longValueExact(),
              Numbers.bytes((String) e.get("digest")),
              Numbers.bytes((String) e.get("cumulativeRoot")),
              Numbers.bytes((String) e.get("withdrawalsRoot")),
              log.getBlockNumber().longValueExact()));
    }
    return out;
  }

  public long blockNumber() {
    return rpc.blockNumber();
  }

  public ValidatorSetInfo validatorSet(long setId) {
    Words w = words(CheckpointsAbi.VALIDATOR_SET, new Uint64(setId));
    BigInteger x = w.uint(32);
    BigInteger y = w.uint(64);
    G1Point apk = x.signum() == 0 && y.signum() == 0 ? G1Point.INFINITY : G1Point.of(x, y);
    return new ValidatorSetInfo(
        setId,
        w.bytes32(0),
        apk,
        w.uint(96),
        w.uint(128).longValueExact(),
        w.uint(160).intValueExact());
  }

  public ValidatorEntry validatorEntry(long setId, int index) {
    Words w =
        words(
            CheckpointsAbi.VALIDATOR_ENTRY,
            new Uint64(setId),
            new Uint256(BigInteger.valueOf(index)));
    return new ValidatorEntry(G1Point.of(w.uint(0), w.uint(32)), w.uint(64));
  }

  /** Every entry of set {@code setId}, in the contract's order (one call per entry). */
  public List<ValidatorEntry> validatorEntries(long setId) {
    ValidatorSetInfo info = validatorSet(setId);
    if (info.size() == 0) {
      throw new ChainException(
          "CvmCheckpoints " + checkpoints + ": validator set " + setId + " is empty (not set?)");
    }
    List<ValidatorEntry> out = new ArrayList<>(info.size());
    for (int i = 0; i < info.size(); i++) {
      out.add(validatorEntry(setId, i));
    }
    return out;
  }

  private Words words(String signature, Type<?>... params) {
    return new Words(
        rpc.call(checkpoints, Abi.call(signature, List.of(params)), "CvmCheckpoints." + signature),
        "CvmCheckpoints." + signature);
  }
}
