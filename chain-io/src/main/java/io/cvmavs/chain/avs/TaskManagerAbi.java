package io.cvmavs.chain.avs;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray2;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint96;
import org.web3j.abi.datatypes.reflection.Parameterized;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The ABI of {@code CvmTaskManager}, written by hand on web3j's ABI types because web3j's code
 * generator cannot express {@code uint32[][]} inside a struct (web3j issue #2286). Function
 * signatures are spelled out as in the Solidity interface and their selectors are checked against
 * forge's artifact in the tests; parameters are encoded with web3j's {@link FunctionEncoder}.
 */
public final class TaskManagerAbi {
  static final String TASK_TUPLE = "(uint64,bytes32,bytes32,bytes,uint32,uint32)";
  static final String RESPONSE_TUPLE = "(uint32,bytes32,bytes32,bytes32)";
  public static final String NON_SIGNER_TUPLE =
      "((uint256,uint256)[],(uint256,uint256)[],(uint256[2],uint256[2]),(uint256,uint256),"
          + "uint32[],uint32[],uint32[][])";

  static final String METADATA_TUPLE = "(uint32,bytes32,uint96[],uint96[])";
  static final String G1_TUPLE = "(uint256,uint256)";
  static final String G2_TUPLE = "(uint256[2],uint256[2])";
  static final String SIGNATURE_PROOF_TUPLE =
      "(" + G1_TUPLE + "," + G2_TUPLE + "," + G1_TUPLE + ",uint32[])";
  static final String EQUIVOCATION_PROOF_TUPLE =
      "(" + G1_TUPLE + "," + G2_TUPLE + "," + G1_TUPLE + "," + G1_TUPLE + ",uint32[])";
  static final String SIGNER_SET_TUPLE = "(bytes32[],uint32[])";

  public static final String CREATE_TASK = "createTask(uint64,bytes32,bytes32,bytes,uint32)";
  public static final String RAISE_CHALLENGE =
      "raiseChallenge("
          + TASK_TUPLE
          + ","
          + RESPONSE_TUPLE
          + ","
          + METADATA_TUPLE
          + ","
          + RESPONSE_TUPLE
          + ")";
  public static final String RAISE_SIGNATURE_CHALLENGE =
      "raiseSignatureChallenge("
          + TASK_TUPLE
          + ","
          + RESPONSE_TUPLE
          + ","
          + SIGNATURE_PROOF_TUPLE
          + ","
          + RESPONSE_TUPLE
          + ")";
  public static final String VETO_SLASHING_REQUEST = "vetoSlashingRequest(uint256)";
  public static final String FULFIL_SLASHING_REQUEST =
      "fulfilSlashingRequest(uint256,"
          + TASK_TUPLE
          + ","
          + RESPONSE_TUPLE
          + ","
          + METADATA_TUPLE
          + ",bytes32[],"
          + SIGNER_SET_TUPLE
          + "[])";
  public static final String FULFIL_SIGNATURE_CHALLENGE =
      "fulfilSignatureChallenge(uint256," + TASK_TUPLE + ",uint32[])";
  public static final String SLASH_EQUIVOCATION =
      "slashEquivocation("
          + TASK_TUPLE
          + ","
          + RESPONSE_TUPLE
          + ","
          + RESPONSE_TUPLE
          + ","
          + EQUIVOCATION_PROOF_TUPLE
          + ")";
  public static final String GET_SLASHING_REQUEST = "getSlashingRequest(uint256)";
  public static final String CONFIG = "config()";
  public static final String RESPOND_TO_TASK =
      "respondToTask(" + TASK_TUPLE + "," + RESPONSE_TUPLE + "," + NON_SIGNER_TUPLE + ")";
  public static final String RESPONSE_DIGEST = "responseDigest(" + RESPONSE_TUPLE + ")";
  public static final String LATEST_TASK_NUM = "latestTaskNum()";
  public static final String TASK_HASH = "taskHash(uint32)";
  public static final String TASK_RESPONSE_HASH = "taskResponseHash(uint32)";
  public static final String RESPONSE_COUNT = "responseCount()";

  /** {@code NewTaskCreated(uint32 indexed taskIndex, Task task)}. */
  public static final String NEW_TASK_CREATED = Events.NEW_TASK_CREATED.canonical();

  /** {@code TaskResponded(uint32 indexed taskIndex, TaskResponse, TaskResponseMetadata)}. */
  public static final String TASK_RESPONDED = Events.TASK_RESPONDED.canonical();

  public static final String NEW_TASK_CREATED_TOPIC = Events.NEW_TASK_CREATED.topic();
  public static final String TASK_RESPONDED_TOPIC = Events.TASK_RESPONDED.topic();

  private TaskManagerAbi() {}

  // ------------------------------------------------------------------ ABI structs

  /** {@code BN254.G1Point}. */
  public static final class G1 extends StaticStruct {
    public G1(Uint256 x, Uint256 y) {
      super(x, y);
    }

    static G1 of(G1Point p) {
      return new G1(new Uint256(p.x()), new Uint256(p.y()));
    }
  }

  /** {@code BN254.G2Point}: X and Y with the imaginary part first (EVM order). */
  public static final class G2 extends StaticStruct {
    public G2(StaticArray2<Uint256> x, StaticArray2<Uint256> y) {
      super(x, y);
    }

    static G2 of(G2Point p) {
      BigInteger[] x = p.evmX();
      BigInteger[] y = p.evmY();
      return new G2(
          new StaticArray2<>(Uint256.class, new Uint256(x[0]), new Uint256(x[1])),
          new StaticArray2<>(Uint256.class, new Uint256(y[0]), new Uint256(y[1])));
    }
  }

  /** {@code ICvmTaskManagerTypes.Task}. */
  public static final class TaskStruct extends DynamicStruct {
    public final Uint64 cvmBlockHeight;
    public final Bytes32 manuscriptHash;
    public final Bytes32 inputCommitment;
    public final DynamicBytes quorumNumbers;
    public final Uint32 quorumThresholdPercentage;
    public final Uint32 taskCreatedBlock;

    public TaskStruct(
        Uint64 cvmBlockHeight,
        Bytes32 manuscriptHash,
        Bytes32 inputCommitment,
        DynamicBytes quorumNumbers,
        Uint32 quorumThresholdPercentage,
        Uint32 taskCreatedBlock) {
      super(
          cvmBlockHeight,
          manuscriptHash,
          inputCommitment,
          quorumNumbers,
          quorumThresholdPercentage,
          taskCreatedBlock);
      this.cvmBlockHeight = cvmBlockHeight;
      this.manuscriptHash = manuscriptHash;
      this.inputCommitment = inputCommitment;
      this.quorumNumbers = quorumNumbers;
      this.quorumThresholdPercentage = quorumThresholdPercentage;
      this.taskCreatedBlock = taskCreatedBlock;
    }

    public static TaskStruct of(CvmTask t) {
      return new TaskStruct(
          new Uint64(t.cvmBlockHeight()),
          new Bytes32(t.manuscriptHash()),
          new Bytes32(t.inputCommitment()),
          new DynamicBytes(t.quorumNumbers()),
          new Uint32(t.quorumThresholdPercentage()),
          new Uint32(t.taskCreatedBlock()));
    }

    CvmTask toTask(long taskIndex) {
      return new CvmTask(
          taskIndex,
          cvmBlockHeight.getValue().longValueExact(),
          manuscriptHash.getValue(),
          inputCommitment.getValue(),
          quorumNumbers.getValue(),
          quorumThresholdPercentage.getValue().longValueExact(),
          taskCreatedBlock.getValue().longValueExact());
    }
  }

  /** {@code ICvmTaskManagerTypes.TaskResponse}. */
  public static final class ResponseStruct extends StaticStruct {
    public final Uint32 referenceTaskIndex;
    public final Bytes32 cvmBlockHash;
    public final Bytes32 datasetRoot;
    public final Bytes32 stateRoot;

    public ResponseStruct(
        Uint32 referenceTaskIndex, Bytes32 cvmBlockHash, Bytes32 datasetRoot, Bytes32 stateRoot) {
      super(referenceTaskIndex, cvmBlockHash, datasetRoot, stateRoot);
      this.referenceTaskIndex = referenceTaskIndex;
      this.cvmBlockHash = cvmBlockHash;
      this.datasetRoot = datasetRoot;
      this.stateRoot = stateRoot;
    }

    static ResponseStruct of(TaskResponse r) {
      return new ResponseStruct(
          new Uint32(r.referenceTaskIndex()),
          new Bytes32(r.cvmBlockHash()),
          new Bytes32(r.datasetRoot()),
          new Bytes32(r.stateRoot()));
    }

    TaskResponse toResponse() {
      return new TaskResponse(
          referenceTaskIndex.getValue().longValueExact(),
          cvmBlockHash.getValue(),
          datasetRoot.getValue(),
          stateRoot.getValue());
    }
  }

  /** {@code ICvmTaskManagerTypes.TaskResponseMetadata}. */
  public static final class MetadataStruct extends DynamicStruct {
    public final Uint32 taskRespondedBlock;
    public final Bytes32 hashOfNonSigners;
    public final DynamicArray<Uint96> signedStakeForQuorum;
    public final DynamicArray<Uint96> totalStakeForQuorum;

    public MetadataStruct(
        Uint32 taskRespondedBlock,
        Bytes32 hashOfNonSigners,
        @Parameterized(type = Uint96.class) DynamicArray<Uint96> signedStakeForQuorum,
        @Parameterized(type = Uint96.class) DynamicArray<Uint96> totalStakeForQuorum) {
      super(taskRespondedBlock, hashOfNonSigners, signedStakeForQuorum, totalStakeForQuorum);
      this.taskRespondedBlock = taskRespondedBlock;
      this.hashOfNonSigners = hashOfNonSigners;
      this.signedStakeForQuorum = signedStakeForQuorum;
      this.totalStakeForQuorum = totalStakeForQuorum;
    }

    static MetadataStruct of(TaskResponseMetadata m) {
      return new MetadataStruct(
          new Uint32(m.taskRespondedBlock()),
          new Bytes32(m.hashOfNonSigners()),
          new DynamicArray<>(
              Uint96.class, m.signedStakeForQuorum().stream().map(Uint96::new).toList()),
          new DynamicArray<>(
              Uint96.class, m.totalStakeForQuorum().stream().map(Uint96::new).toList()));
    }

    TaskResponseMetadata toMetadata() {
      return new TaskResponseMetadata(
          taskRespondedBlock.getValue().longValueExact(),
          hashOfNonSigners.getValue(),
          signedStakeForQuorum.getValue().stream().map(Uint96::getValue).toList(),
          totalStakeForQuorum.getValue().stream().map(Uint96::getValue).toList());
    }
  }

  // ------------------------------------------------------------------ calls

  /** Calldata of {@code createTask}. */
  public static String createTask(
      long cvmBlockHeight,
      byte[] manuscriptHash,
      byte[] inputCommitment,
      byte[] quorumNumbers,
      long quorumThresholdPercentage) {
    return call(
        CREATE_TASK,
        List.of(
            new Uint64(cvmBlockHeight),
            new Bytes32(manuscriptHash),
            new Bytes32(inputCommitment),
            new DynamicBytes(quorumNumbers),
            new Uint32(quorumThresholdPercentage)));
  }

  /** Calldata of {@code respondToTask(task, response, nonSignerStakesAndSignature)}. */
  public static String respondToTask(
      CvmTask task, TaskResponse response, NonSignerStakesAndSignature s) {
    return call(
        RESPOND_TO_TASK,
        List.of(TaskStruct.of(task), ResponseStruct.of(response), nonSignerStruct(s)));
  }

  /**
   * {@code NonSignerStakesAndSignature} as an ABI tuple ({@link #NON_SIGNER_TUPLE}), for other
   * contracts that check the AVS's quorum signature the same way (e.g. {@code StorageAudit}).
   */
  public static DynamicStruct nonSignerStruct(NonSignerStakesAndSignature s) {
    List<Type> fields = new ArrayList<>();
    fields.add(g1Array(s.nonSignerPubkeys()));
    fields.add(g1Array(s.quorumApks()));
    fields.add(G2.of(s.apkG2()));
    fields.add(G1.of(s.sigma()));
    fields.add(uint32Array(s.quorumApkIndices()));
    fields.add(uint32Array(s.totalStakeIndices()));
    List<DynamicArray<Uint32>> nested =
        s.nonSignerStakeIndices().stream().map(TaskManagerAbi::uint32Array).toList();
    @SuppressWarnings({"unchecked", "rawtypes"})
    DynamicArray<DynamicArray> nestedArray = new DynamicArray(DynamicArray.class, nested);
    fields.add(nestedArray);
    return new DynamicStruct(fields);
  }

  /** Calldata of {@code raiseChallenge(task, response, metadata, claimed)} (send the bond). */
  public static String raiseChallenge(
      CvmTask task, TaskResponse response, TaskResponseMetadata metadata, TaskResponse claimed) {
    return call(
        RAISE_CHALLENGE,
        List.of(
            TaskStruct.of(task),
            ResponseStruct.of(response),
            MetadataStruct.of(metadata),
            ResponseStruct.of(claimed)));
  }

  /**
   * Calldata of {@code raiseSignatureChallenge(task, signedResponse, proof, claimed)} (send the
   * bond).
   */
  public static String raiseSignatureChallenge(
      CvmTask task, TaskResponse signedResponse, SignatureProof proof, TaskResponse claimed) {
    DynamicStruct p =
        new DynamicStruct(
            G1.of(proof.pubkeyG1()),
            G2.of(proof.pubkeyG2()),
            G1.of(proof.signature()),
            uint32Array(proof.stakeIndices()));
    return call(
        RAISE_SIGNATURE_CHALLENGE,
        List.of(
            TaskStruct.of(task), ResponseStruct.of(signedResponse), p, ResponseStruct.of(claimed)));
  }

  public static String vetoSlashingRequest(long requestId) {
    return call(VETO_SLASHING_REQUEST, List.of(new Uint256(requestId)));
  }

  /**
   * Calldata of {@code fulfilSlashingRequest(requestId, task, response, metadata, nonSignerIds,
   * signers)}; {@code signers} per task quorum ({@link SlashingProofBuilder#signerSets}).
   */
  public static String fulfilSlashingRequest(
      long requestId,
      CvmTask task,
      TaskResponse response,
      TaskResponseMetadata metadata,
      List<byte[]> nonSignerIds,
      List<SignerSet> signers) {
    List<DynamicStruct> sets =
        signers.stream()
            .map(
                set ->
                    new DynamicStruct(
                        bytes32Array(set.operatorIds()), uint32Array(set.stakeIndices())))
            .toList();
    return call(
        FULFIL_SLASHING_REQUEST,
        List.of(
            new Uint256(requestId),
            TaskStruct.of(task),
            ResponseStruct.of(response),
            MetadataStruct.of(metadata),
            bytes32Array(nonSignerIds),
            new DynamicArray<>(DynamicStruct.class, sets)));
  }

  /** Calldata of {@code fulfilSignatureChallenge(requestId, task, stakeIndices)}. */
  public static String fulfilSignatureChallenge(
      long requestId, CvmTask task, List<Long> stakeIndices) {
    return call(
        FULFIL_SIGNATURE_CHALLENGE,
        List.of(new Uint256(requestId), TaskStruct.of(task), uint32Array(stakeIndices)));
  }

  /** Calldata of {@code slashEquivocation(task, responseA, responseB, proof)}. */
  public static String slashEquivocation(
      CvmTask task, TaskResponse responseA, TaskResponse responseB, EquivocationProof proof) {
    DynamicStruct p =
        new DynamicStruct(
            G1.of(proof.pubkeyG1()),
            G2.of(proof.pubkeyG2()),
            G1.of(proof.signatureA()),
            G1.of(proof.signatureB()),
            uint32Array(proof.stakeIndices()));
    return call(
        SLASH_EQUIVOCATION,
        List.of(
            TaskStruct.of(task), ResponseStruct.of(responseA), ResponseStruct.of(responseB), p));
  }

  public static String getSlashingRequestCall(long requestId) {
    return call(GET_SLASHING_REQUEST, List.of(new Uint256(requestId)));
  }

  public static String configCall() {
    return selector(CONFIG);
  }

  /** Decodes the return data of {@code getSlashingRequest} (a static 8-word tuple). */
  static SlashingRequest decodeSlashingRequest(String data) {
    Words w = new Words(data, "getSlashingRequest");
    return new SlashingRequest(
        w.word(0).longValueExact(),
        SlashingRequest.Status.values()[w.word(32).intValueExact()],
        w.word(64).longValueExact(),
        address(w.word(96)),
        SlashingRequest.Kind.values()[w.word(128).intValueExact()],
        w.word(160),
        address(w.word(192)),
        org.web3j.utils.Numeric.toBytesPadded(w.word(224), 32));
  }

  /** Decodes the return data of {@code config()} (a static 7-word tuple). */
  static TaskManagerConfig decodeConfig(String data) {
    Words w = new Words(data, "config");
    return new TaskManagerConfig(
        w.word(0).longValueExact(),
        w.word(32).longValueExact(),
        w.word(64).longValueExact(),
        w.word(96).intValueExact(),
        w.word(128),
        w.word(160),
        w.word(192));
  }

  /**
   * The non-signer operatorIds of a {@code respondToTask} call, from its calldata (the event
   * records only their hash). Checks the ids against {@code hashOfNonSigners}.
   */
  static List<byte[]> nonSignerIdsFromCalldata(String input, byte[] hashOfNonSigners) {
    if (!isRespondToTask(input)) {
      throw new ChainException(
          "transaction input is not a respondToTask call: " + Abi.abbreviate(input));
    }
    List<byte[]> ids = decodeNonSignerIds(input);
    if (!java.util.Arrays.equals(hashOfNonSigners(ids), hashOfNonSigners)) {
      throw new ChainException(
          "non-signers in the respondToTask calldata do not hash to the recorded hashOfNonSigners "
              + io.cvmavs.chain.abi.Bytes32.hex(hashOfNonSigners));
    }
    return ids;
  }

  /**
   * The non-signer operatorIds (in calldata order) of {@code input}, or empty if it is not a direct
   * {@code respondToTask} call (e.g. sent through a multisig) or cannot be decoded. The caller
   * checks them against the recorded {@code hashOfNonSigners}.
   */
  public static java.util.Optional<List<byte[]>> nonSignerIds(String input) {
    if (!isRespondToTask(input)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(decodeNonSignerIds(input));
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static boolean isRespondToTask(String input) {
    return input != null
        && input.toLowerCase(java.util.Locale.ROOT).startsWith(selector(RESPOND_TO_TASK));
  }

  /**
   * {@code nonSignerStakesAndSignature.nonSignerPubkeys}, each as {@code operatorId = keccak256(x ‖
   * y)}. Argument layout: {@code task} is dynamic (offset in word 0), {@code taskResponse} four
   * static words (1..4), {@code nonSignerStakesAndSignature} dynamic (offset in word 5), whose
   * first field is the offset of the {@code G1Point[]}.
   */
  private static List<byte[]> decodeNonSignerIds(String input) {
    String sel = selector(RESPOND_TO_TASK);
    Words w = new Words("0x" + input.substring(sel.length()), "respondToTask calldata");
    int tuple = w.offset(5 * 32);
    int keys = tuple + w.offset(tuple);
    int n = w.offset(keys);
    List<byte[]> ids = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      G1Point pk = G1Point.of(w.word(keys + 32 + 64 * j), w.word(keys + 64 + 64 * j));
      ids.add(io.cvmavs.crypto.bls.Bls.operatorId(pk));
    }
    return ids;
  }

  public static String responseDigestCall(TaskResponse response) {
    return call(RESPONSE_DIGEST, List.of(ResponseStruct.of(response)));
  }

  public static String taskHashCall(long taskIndex) {
    return call(TASK_HASH, List.of(new Uint32(taskIndex)));
  }

  public static String taskResponseHashCall(long taskIndex) {
    return call(TASK_RESPONSE_HASH, List.of(new Uint32(taskIndex)));
  }

  public static String latestTaskNumCall() {
    return selector(LATEST_TASK_NUM);
  }

  public static String responseCountCall() {
    return selector(RESPONSE_COUNT);
  }

  // ------------------------------------------------------------------ hashes computed locally

  /**
   * {@code keccak256(abi.encode(block.chainid, address(taskManager), response))}: what is signed.
   */
  public static byte[] responseDigest(long chainId, String taskManager, TaskResponse response) {
    String encoded =
        FunctionEncoder.encodeConstructor(
            List.of(new Uint256(chainId), new Address(taskManager), ResponseStruct.of(response)));
    return Hash.sha3(HexFormat.of().parseHex(encoded));
  }

  /** {@code keccak256(abi.encode(task))}: what the task manager stores per task. */
  public static byte[] taskHash(CvmTask task) {
    String encoded = FunctionEncoder.encodeConstructor(List.of(TaskStruct.of(task)));
    return Hash.sha3(HexFormat.of().parseHex(encoded));
  }

  /** {@code keccak256(abi.encodePacked(nonSignerIds))} (ids ascending). */
  public static byte[] hashOfNonSigners(List<byte[]> nonSignerIds) {
    byte[] packed = new byte[32 * nonSignerIds.size()];
    for (int i = 0; i < nonSignerIds.size(); i++) {
      System.arraycopy(nonSignerIds.get(i), 0, packed, 32 * i, 32);
    }
    return Hash.sha3(packed);
  }

  // ------------------------------------------------------------------ events

  /** Decodes a {@code NewTaskCreated} log. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static CvmTask decodeNewTaskCreated(Log log) {
    requireTopic(log, NEW_TASK_CREATED_TOPIC, "NewTaskCreated");
    long taskIndex = Numbers.uint(log.getTopics().get(1)).longValueExact();
    List<Type> values =
        FunctionReturnDecoder.decode(
            log.getData(), List.of((TypeReference) new TypeReference<TaskStruct>() {}));
    if (values.size() != 1) {
      throw new ChainException("cannot decode NewTaskCreated data of task " + taskIndex);
    }
    return ((TaskStruct) values.get(0)).toTask(taskIndex);
  }

  /** A decoded {@code TaskResponded} log. */
  public record TaskResponded(
      long taskIndex,
      TaskResponse response,
      long taskRespondedBlock,
      byte[] hashOfNonSigners,
      List<BigInteger> signedStakeForQuorum,
      List<BigInteger> totalStakeForQuorum,
      long blockNumber,
      String transactionHash) {
    /** The metadata as recorded (what {@code raiseChallenge} and the fulfilment take). */
    public TaskResponseMetadata metadata() {
      return new TaskResponseMetadata(
          taskRespondedBlock, hashOfNonSigners, signedStakeForQuorum, totalStakeForQuorum);
    }
  }

  /** Decodes a {@code TaskResponded} log. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static TaskResponded decodeTaskResponded(Log log) {
    requireTopic(log, TASK_RESPONDED_TOPIC, "TaskResponded");
    long taskIndex = Numbers.uint(log.getTopics().get(1)).longValueExact();
    List<Type> values =
        FunctionReturnDecoder.decode(
            log.getData(),
            List.of(
                (TypeReference) new TypeReference<ResponseStruct>() {},
                (TypeReference) new TypeReference<MetadataStruct>() {}));
    if (values.size() != 2) {
      throw new ChainException("cannot decode TaskResponded data of task " + taskIndex);
    }
    ResponseStruct r = (ResponseStruct) values.get(0);
    MetadataStruct m = (MetadataStruct) values.get(1);
    return new TaskResponded(
        taskIndex,
        r.toResponse(),
        m.taskRespondedBlock.getValue().longValueExact(),
        m.hashOfNonSigners.getValue(),
        m.signedStakeForQuorum.getValue().stream().map(Uint96::getValue).toList(),
        m.totalStakeForQuorum.getValue().stream().map(Uint96::getValue).toList(),
        log.getBlockNumber().longValueExact(),
        log.getTransactionHash());
  }

  static String topic(String canonicalSignature) {
    return Abi.topic(canonicalSignature);
  }

  static String selector(String canonicalSignature) {
    return Abi.selector(canonicalSignature);
  }

  private static String call(String signature, List<? extends Type> params) {
    return Abi.call(signature, params);
  }

  private static DynamicArray<G1> g1Array(List<G1Point> points) {
    return new DynamicArray<>(G1.class, points.stream().map(G1::of).toList());
  }

  private static DynamicArray<Bytes32> bytes32Array(List<byte[]> values) {
    return new DynamicArray<>(Bytes32.class, values.stream().map(Bytes32::new).toList());
  }

  static String address(BigInteger word) {
    return "0x" + org.web3j.utils.Numeric.toHexStringNoPrefixZeroPadded(word, 40);
  }

  private static DynamicArray<Uint32> uint32Array(List<Long> values) {
    return new DynamicArray<>(Uint32.class, values.stream().map(Uint32::new).toList());
  }

  private static void requireTopic(Log log, String topic, String name) {
    if (log.getTopics().size() < 2 || !topic.equalsIgnoreCase(log.getTopics().get(0))) {
      throw new ChainException("log " + log.getTransactionHash() + " is not a " + name + " event");
    }
  }
}
