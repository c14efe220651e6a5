package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.abi.datatypes.generated.Uint96;

/** Views and events of {@code CvmRegistry}: operator ids, pubkeys, checkpointed stakes, APKs. */
public record RegistryReader(RpcClient rpc, String registry) {
  public static final String NEW_PUBKEY_REGISTRATION_TOPIC = Events.NEW_PUBKEY_REGISTRATION.topic();

  /** Reads as {@code tx}'s account ({@link Transactor#reader()}). */
  public RegistryReader(Transactor tx, String registry) {
    this(tx.reader(), registry);
  }

  /** A registered BLS key (from {@code NewPubkeyRegistration}). */
  public record PubkeyRegistration(
      String operator, byte[] operatorId, G1Point pubkeyG1, G2Point pubkeyG2, long block) {}

  /** One stake checkpoint ({@code StakeUpdate}). */
  public record StakeUpdate(
      long updateBlock, long nextUpdateBlock, BigInteger stake, boolean active) {}

  /** Checkpoint hints for {@code respondToTask}. */
  public record CheckSignaturesIndices(
      List<Long> quorumApkIndices,
      List<Long> totalStakeIndices,
      List<List<Long>> nonSignerIndices) {}

  public byte[] operatorId(String operator) {
    return ((Bytes32)
            one(
                call("getOperatorId(address)", new Address(operator)),
                "getOperatorId",
                new TypeReference<Bytes32>() {}))
        .getValue();
  }

  public String operatorFromId(byte[] operatorId) {
    return ((Address)
            one(
                call("getOperatorFromId(bytes32)", new Bytes32(operatorId)),
                "getOperatorFromId",
                new TypeReference<Address>() {}))
        .getValue();
  }

  public boolean isActive(String operator, int quorum) {
    return ((Bool)
            one(
                call("isActive(address,uint8)", new Address(operator), new Uint8(quorum)),
                "isActive",
                new TypeReference<Bool>() {}))
        .getValue();
  }

  public int quorumCount() {
    return ((Uint8) one(call("quorumCount()"), "quorumCount", new TypeReference<Uint8>() {}))
        .getValue()
        .intValueExact();
  }

  public BigInteger currentStake(byte[] operatorId, int quorum) {
    return ((Uint96)
            one(
                call("getCurrentStake(bytes32,uint8)", new Bytes32(operatorId), new Uint8(quorum)),
                "getCurrentStake",
                new TypeReference<Uint96>() {}))
        .getValue();
  }

  public BigInteger currentTotalStake(int quorum) {
    return ((Uint96)
            one(
                call("getCurrentTotalStake(uint8)", new Uint8(quorum)),
                "getCurrentTotalStake",
                new TypeReference<Uint96>() {}))
        .getValue();
  }

  public BigInteger weightOfOperator(String operator, int quorum) {
    return ((Uint96)
            one(
                call("weightOfOperator(address,uint8)", new Address(operator), new Uint8(quorum)),
                "weightOfOperator",
                new TypeReference<Uint96>() {}))
        .getValue();
  }

  public String socket(byte[] operatorId) {
    return ((Utf8String)
            one(
                call("socket(bytes32)", new Bytes32(operatorId)),
                "socket",
                new TypeReference<Utf8String>() {}))
        .getValue();
  }

  /** Operator stake and membership at {@code block} (looks up the checkpoint index first). */
  public StakeUpdate stakeAtBlock(byte[] operatorId, int quorum, long block) {
    return stakeAtIndex(operatorId, quorum, block, stakeIndexAtBlock(operatorId, quorum, block));
  }

  /** Operator stake and membership at {@code block} from checkpoint {@code index}. */
  public StakeUpdate stakeAtIndex(byte[] operatorId, int quorum, long block, long index) {
    List<Type> v =
        Abi.decode(
            call(
                "getStakeAtBlockAndIndex(bytes32,uint8,uint32,uint32)",
                new Bytes32(operatorId),
                new Uint8(quorum),
                new Uint32(block),
                new Uint32(index)),
            "getStakeAtBlockAndIndex",
            new TypeReference<Uint96>() {},
            new TypeReference<Bool>() {});
    return new StakeUpdate(block, 0, ((Uint96) v.get(0)).getValue(), ((Bool) v.get(1)).getValue());
  }

  public long stakeIndexAtBlock(byte[] operatorId, int quorum, long block) {
    return ((Uint32)
            one(
                call(
                    "getStakeUpdateIndexAtBlock(bytes32,uint8,uint32)",
                    new Bytes32(operatorId),
                    new Uint8(quorum),
                    new Uint32(block)),
                "getStakeUpdateIndexAtBlock",
                new TypeReference<Uint32>() {}))
        .getValue()
        .longValueExact();
  }

  /** The quorum's total stake at {@code block}. */
  public BigInteger totalStakeAtBlock(int quorum, long block) {
    long index =
        ((Uint32)
                one(
                    call(
                        "getTotalStakeIndexAtBlock(uint8,uint32)",
                        new Uint8(quorum),
                        new Uint32(block)),
                    "getTotalStakeIndexAtBlock",
                    new TypeReference<Uint32>() {}))
            .getValue()
            .longValueExact();
    Words w =
        new Words(
            call(
                "getTotalStakeUpdateAtIndex(uint8,uint256)", new Uint8(quorum), new Uint256(index)),
            "getTotalStakeUpdateAtIndex");
    return w.word(64);
  }

  /** {@code getCheckSignaturesIndices(quorumNumbers, block, nonSignerIds)}. */
  public CheckSignaturesIndices checkSignaturesIndices(
      byte[] quorumNumbers, long block, List<byte[]> nonSignerIds) {
    String data =
        call(
            "getCheckSignaturesIndices(bytes,uint32,bytes32[])",
            new DynamicBytes(quorumNumbers),
            new Uint32(block),
            new DynamicArray<>(Bytes32.class, nonSignerIds.stream().map(Bytes32::new).toList()));
    Words w = new Words(data, "getCheckSignaturesIndices");
    return new CheckSignaturesIndices(
        w.uintArray(w.offset(0)), w.uintArray(w.offset(32)), w.uintArrayArray(w.offset(64)));
  }

  /** {@code pubkeyRegistrationMessageHash(operator)}: the G1 point a proof of possession signs. */
  public G1Point pubkeyRegistrationMessageHash(String operator) {
    Words w =
        new Words(
            call("pubkeyRegistrationMessageHash(address)", new Address(operator)),
            "pubkeyRegistrationMessageHash");
    return G1Point.of(w.word(0), w.word(32));
  }

  /** Every {@code NewPubkeyRegistration} in [fromBlock, toBlock]. */
  public List<PubkeyRegistration> pubkeyRegistrations(long fromBlock, long toBlock) {
    return rpc
        .logs()
        .logs(
            LogScanner.Query.of("NewPubkeyRegistration", registry, NEW_PUBKEY_REGISTRATION_TOPIC),
            fromBlock,
            toBlock)
        .stream()
        .map(
            log -> {
              Words w = new Words(log.getData(), "NewPubkeyRegistration");
              G1Point g1 = G1Point.of(w.word(0), w.word(32));
              // EVM order: X = [x.c1, x.c0], Y = [y.c1, y.c0].
              G2Point g2 = G2Point.of(w.word(96), w.word(64), w.word(160), w.word(128));
              String operator = "0x" + log.getTopics().get(1).substring(26);
              return new PubkeyRegistration(
                  operator,
                  io.cvmavs.crypto.bls.Bls.operatorId(g1),
                  g1,
                  g2,
                  log.getBlockNumber().longValueExact());
            })
        .toList();
  }

  private String call(String signature, Type<?>... params) {
    return rpc.call(registry, Abi.call(signature, List.of(params)), signature);
  }

  private static Type<?> one(String data, String what, TypeReference<?> ref) {
    return Abi.decode(data, what, ref).get(0);
  }
}
