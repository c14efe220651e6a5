package io.cvmavs.operator.challenger;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.OperatorSetReader;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.SignatureProof;
import io.cvmavs.chain.avs.SlashingProofBuilder;
import io.cvmavs.chain.avs.SlashingRequest;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.operator.aggregatorapi.Evidence;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@link ChallengerChain} on the task manager and registry, sending from the challenger's account
 * (which pays the bonds). Operators' keys come from the registry's {@code NewPubkeyRegistration}
 * events (from the deployment block), cached.
 */
public final class ChainChallengerPorts implements ChallengerChain {
  private final Transactor tx;
  private final String taskManager;
  private final TaskManagerReader reader;
  private final TaskManagerWriter writer;
  private final RegistryReader registry;
  private final SlashingProofBuilder proofs;
  private final OperatorSetReader operatorSets;
  private final long fromBlock;
  private final Map<String, RegistryReader.PubkeyRegistration> keys = new HashMap<>();
  private final Map<Long, CvmTask> tasks =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, CvmTask> eldest) {
              return size() > 4096;
            }
          });

  public ChainChallengerPorts(Transactor tx, String taskManager, String registry, long fromBlock) {
    this.tx = tx;
    this.taskManager = taskManager;
    this.reader = new TaskManagerReader(tx, taskManager);
    this.writer = new TaskManagerWriter(tx, taskManager);
    this.registry = new RegistryReader(tx, registry);
    this.operatorSets = new OperatorSetReader(this.registry, fromBlock);
    this.proofs = new SlashingProofBuilder(operatorSets);
    this.fromBlock = fromBlock;
  }

  /** The account that raises challenges and receives returned bonds. */
  public String address() {
    return tx.address();
  }

  @Override
  public long blockNumber() {
    return reader.blockNumber();
  }

  @Override
  public boolean hasPendingTransactions() {
    return tx.hasPending();
  }

  @Override
  public void checkEvidence(String operatorId, List<String> signatures) {
    try {
      key(operatorId);
    } catch (ChainException e) {
      if (e.getMessage() != null && e.getMessage().contains("no registered BLS key")) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      throw e; // RPC trouble: not the evidence's fault, try again later
    }
    for (String sig : signatures) {
      try {
        point(sig, "signature");
      } catch (ChainException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }

  @Override
  public List<TaskManagerAbi.TaskResponded> responses(long from, long to) {
    return reader.responses(from, to);
  }

  @Override
  public Optional<CvmTask> task(long taskIndex) {
    // A task never changes once created: look each up on chain once.
    CvmTask known = tasks.get(taskIndex);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<CvmTask> found = reader.findTask(taskIndex, fromBlock);
    found.ifPresent(t -> tasks.put(taskIndex, t));
    return found;
  }

  @Override
  public long vetoWindowBlocks() {
    return reader.vetoWindowBlock();
  }

  @Override
  public Raised raiseChallenge(
      CvmTask task, TaskManagerAbi.TaskResponded landed, TaskResponse claimed) {
    long id =
        writer.raiseChallenge(
            task, landed.response(), landed.metadata(), claimed, reader.challengeBond());
    return raised(id);
  }

  @Override
  public Raised raiseSignatureChallenge(
      CvmTask task, Evidence.Dissent dissent, TaskResponse claimed) {
    RegistryReader.PubkeyRegistration key = key(dissent.operatorId());
    SignatureProof proof =
        proofs.signatureProof(
            task, key.pubkeyG1(), key.pubkeyG2(), point(dissent.signature(), "signature"));
    long id =
        writer.raiseSignatureChallenge(
            task, dissent.response(), proof, claimed, reader.challengeBond());
    return raised(id);
  }

  private Raised raised(long requestId) {
    SlashingRequest r = reader.slashingRequest(requestId);
    return new Raised(requestId, r.createdBlock(), "request " + requestId);
  }

  @Override
  public Optional<Raised> findRaised(Action.Kind kind, long taskIndex, String operatorId) {
    long head = reader.blockNumber();
    if (kind == Action.Kind.WRONG_RESULT) {
      return reader.challengesRaised(fromBlock, head).stream()
          .filter(c -> c.taskIndex() == taskIndex && c.challenger().equalsIgnoreCase(address()))
          .map(c -> new Raised(c.requestId(), c.blockNumber(), c.transactionHash()))
          .reduce((a, b) -> b);
    }
    String operator = key(operatorId).operator();
    return reader.signatureChallengesRaised(fromBlock, head).stream()
        .filter(
            c ->
                c.taskIndex() == taskIndex
                    && c.operator().equalsIgnoreCase(operator)
                    && c.challenger().equalsIgnoreCase(address()))
        .map(c -> new Raised(c.requestId(), c.blockNumber(), c.transactionHash()))
        .reduce((a, b) -> b);
  }

  @Override
  public RequestStatus requestStatus(long requestId) {
    return switch (reader.slashingRequest(requestId).status()) {
      case VETOED -> RequestStatus.VETOED;
      case FULFILLED -> RequestStatus.FULFILLED;
      case PENDING -> RequestStatus.PENDING;
      case NONE -> throw new ChainException("slashing request " + requestId + " does not exist");
    };
  }

  @Override
  public String fulfilWrongResult(
      long requestId, CvmTask task, TaskManagerAbi.TaskResponded landed) {
    List<byte[]> nonSigners = reader.nonSignerIds(landed);
    TransactionReceipt r =
        writer.fulfilSlashingRequest(
            requestId,
            task,
            landed.response(),
            landed.metadata(),
            nonSigners,
            proofs.signerSets(task, nonSigners));
    return r.getTransactionHash();
  }

  @Override
  public String fulfilSignatureChallenge(long requestId, CvmTask task, String operatorId) {
    TransactionReceipt r =
        writer.fulfilSignatureChallenge(
            requestId, task, proofs.stakeIndices(task, Bytes32.parse("operatorId", operatorId)));
    return r.getTransactionHash();
  }

  @Override
  public Optional<String> slashEquivocation(Evidence.Equivocation e) {
    RegistryReader.PubkeyRegistration key = key(e.operatorId());
    if (reader.equivocationSlashed(e.task().taskIndex(), key.operator())) {
      return Optional.empty();
    }
    TransactionReceipt r =
        writer.slashEquivocation(
            e.task(),
            e.responseA(),
            e.responseB(),
            proofs.equivocationProof(
                e.task(),
                key.pubkeyG1(),
                key.pubkeyG2(),
                point(e.signatureA(), "signatureA"),
                point(e.signatureB(), "signatureB")));
    return Optional.of(r.getTransactionHash());
  }

  private synchronized RegistryReader.PubkeyRegistration key(String operatorId) {
    String id = operatorId.toLowerCase(java.util.Locale.ROOT);
    RegistryReader.PubkeyRegistration k = keys.get(id);
    if (k == null) {
      for (RegistryReader.PubkeyRegistration r : operatorSets.registrations(reader.blockNumber())) {
        keys.put(Bytes32.hex(r.operatorId()), r);
      }
      k = keys.get(id);
    }
    if (k == null) {
      throw new ChainException("operator " + operatorId + " has no registered BLS key");
    }
    return k;
  }

  private static G1Point point(String hex, String what) {
    try {
      return G1Point.fromBytes(
          HexFormat.of().parseHex(hex.startsWith("0x") ? hex.substring(2) : hex));
    } catch (RuntimeException e) {
      throw new ChainException("evidence " + what + " is not a G1 point: " + e.getMessage(), e);
    }
  }
}
