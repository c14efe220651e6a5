package io.cvmavs.operator.rewards;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.operator.monitor.MonitorChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split's input from the attestation record the chain holds, the same way the monitor derives
 * it: per {@code TaskResponded}, the operator set at the task's reference block (with each member's
 * stake summed over the task's quorums) minus the non-signers read from the {@code respondToTask}
 * calldata and checked against the recorded {@code hashOfNonSigners}. A response whose non-signers
 * cannot be read (sent through another contract) is left out, with a warning.
 */
public final class SignedTasks {
  private static final Logger LOG = LoggerFactory.getLogger(SignedTasks.class);

  private SignedTasks() {}

  public static List<SignedTask> fromChain(
      MonitorChain chain, TaskManagerReader taskManager, long fromBlock, long toBlock) {
    List<SignedTask> out = new ArrayList<>();
    for (TaskManagerAbi.TaskResponded r : taskManager.responses(fromBlock, toBlock)) {
      Optional<CvmTask> task = taskManager.findTask(r.taskIndex(), fromBlock);
      Optional<Set<String>> nonSigners = nonSigners(chain, r);
      if (task.isEmpty() || nonSigners.isEmpty()) {
        LOG.warn(
            "task {}: its task or non-signers cannot be read; left out of the reward split",
            r.taskIndex());
        continue;
      }
      Map<String, BigInteger> signers = new HashMap<>();
      for (MonitorChain.Member m :
          chain.operatorSetAt(task.get().taskCreatedBlock(), task.get().quorumNumbers()).values()) {
        if (!nonSigners.get().contains(m.operatorId().toLowerCase(java.util.Locale.ROOT))
            && m.stake().signum() > 0) {
          signers.put(m.operator(), m.stake());
        }
      }
      out.add(new SignedTask(r.taskIndex(), chain.blockTimestamp(r.blockNumber()), signers));
    }
    return out;
  }

  private static Optional<Set<String>> nonSigners(
      MonitorChain chain, TaskManagerAbi.TaskResponded r) {
    if (Arrays.equals(r.hashOfNonSigners(), TaskManagerAbi.hashOfNonSigners(List.of()))) {
      return Optional.of(Set.of());
    }
    Optional<List<byte[]>> ids =
        TaskManagerAbi.nonSignerIds(chain.transactionInput(r.transactionHash()));
    if (ids.isEmpty()
        || !Arrays.equals(TaskManagerAbi.hashOfNonSigners(ids.get()), r.hashOfNonSigners())) {
      return Optional.empty();
    }
    Set<String> out = new HashSet<>();
    ids.get().forEach(id -> out.add(Bytes32.hex(id).toLowerCase(java.util.Locale.ROOT)));
    return Optional.of(out);
  }
}
