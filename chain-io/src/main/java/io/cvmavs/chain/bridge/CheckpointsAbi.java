package io.cvmavs.chain.bridge;

import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray2;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * The hand-written ABI of {@code CvmCheckpoints} (contracts/src/bridge/ICvmCheckpoints.sol): the
 * canonical signatures (checked against forge's artifacts by {@code EventsTest}) and the structs as
 * web3j values.
 */
public final class CheckpointsAbi {
  static final String CHECKPOINT_TUPLE = "(uint64,bytes32,bytes32,bytes32,bytes32,bytes32)";
  static final String ENTRY_TUPLE = "(uint256,uint256,uint256)";

  public static final String SUBMIT_CHECKPOINT =
      "submitCheckpoint("
          + CHECKPOINT_TUPLE
          + ",(uint256,uint256),(uint256[2],uint256[2]),uint256[])";
  public static final String SET_GENESIS_VALIDATOR_SET =
      "setGenesisValidatorSet(" + ENTRY_TUPLE + "[],uint64)";
  public static final String ROTATE_VALIDATOR_SET = "rotateValidatorSet(" + ENTRY_TUPLE + "[])";
  public static final String CHECKPOINT_DIGEST = "checkpointDigest(" + CHECKPOINT_TUPLE + ")";
  public static final String LATEST_HEIGHT = "latestHeight()";
  public static final String CURRENT_SET_ID = "currentSetId()";
  public static final String VALIDATOR_SET = "validatorSet(uint64)";
  public static final String VALIDATOR_ENTRY = "validatorEntry(uint64,uint256)";
  public static final String PENDING_SET_HASH = "pendingSetHash()";
  public static final String CHECKPOINT_COUNT = "checkpointCount()";
  public static final String CVM_CHAIN_ID = "cvmChainId()";
  public static final String IS_ACCEPTED = "isAccepted(uint64," + CHECKPOINT_TUPLE + ")";
  public static final String HISTORY = "HISTORY()";

  private CheckpointsAbi() {}

  /** {@code ICvmCheckpointsTypes.Checkpoint}. */
  public static final class CheckpointStruct extends StaticStruct {
    public CheckpointStruct(CheckpointData c) {
      super(
          new Uint64(c.height()),
          new Bytes32(c.appHash()),
          new Bytes32(c.cvmBlockHash()),
          new Bytes32(c.cumulativeRoot()),
          new Bytes32(c.withdrawalsRoot()),
          new Bytes32(c.nextValidatorSetHash()));
    }
  }

  /** {@code ICvmCheckpointsTypes.ValidatorEntry}. */
  public static final class EntryStruct extends StaticStruct {
    public EntryStruct(Uint256 g1x, Uint256 g1y, Uint256 power) {
      super(g1x, g1y, power);
    }

    static EntryStruct of(ValidatorEntry e) {
      return new EntryStruct(
          new Uint256(e.g1().x()), new Uint256(e.g1().y()), new Uint256(e.power()));
    }
  }

  /** {@code BN254.G1Point}. */
  public static final class G1Struct extends StaticStruct {
    public G1Struct(Uint256 x, Uint256 y) {
      super(x, y);
    }

    static G1Struct of(G1Point p) {
      return new G1Struct(new Uint256(p.x()), new Uint256(p.y()));
    }
  }

  /** {@code BN254.G2Point}, imaginary part first (EVM order). */
  public static final class G2Struct extends StaticStruct {
    public G2Struct(StaticArray2<Uint256> x, StaticArray2<Uint256> y) {
      super(x, y);
    }

    static G2Struct of(G2Point p) {
      BigInteger[] x = p.evmX();
      BigInteger[] y = p.evmY();
      return new G2Struct(
          new StaticArray2<>(Uint256.class, new Uint256(x[0]), new Uint256(x[1])),
          new StaticArray2<>(Uint256.class, new Uint256(y[0]), new Uint256(y[1])));
    }
  }

  static DynamicArray<EntryStruct> entries(List<ValidatorEntry> entries) {
    return new DynamicArray<>(EntryStruct.class, entries.stream().map(EntryStruct::of).toList());
  }

  static DynamicArray<Uint256> indices(List<Integer> indices) {
    return new DynamicArray<>(
        Uint256.class, indices.stream().map(i -> new Uint256(BigInteger.valueOf(i))).toList());
  }
}
