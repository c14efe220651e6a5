package io.cvmavs.operator.devnet;

import io.cvmavs.cvm.task.TaskComputer;
import io.cvmavs.cvm.task.TaskInput;
import io.cvmavs.cvm.task.TaskResult;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * Fault injection for {@code devnet --faulty K}: answers every task with the honest result's
 * dataset root replaced by a different (deterministic) value, as a node with a broken CVM would.
 * Everything else — slashing protection, signing, sending to the aggregator — is the real node's,
 * so the wrong result is signed exactly once per task and becomes attributable evidence.
 */
final class FaultyComputer implements TaskComputer {
  private final TaskComputer honest;

  FaultyComputer(TaskComputer honest) {
    this.honest = honest;
  }

  @Override
  public TaskResult compute(TaskInput task) {
    TaskResult right = honest.compute(task);
    byte[] wrongRoot =
        Hash.sha3(
            concat(right.datasetRoot(), "devnet --faulty".getBytes(StandardCharsets.US_ASCII)));
    return new TaskResult(right.taskIndex(), right.cvmBlockHash(), wrongRoot, right.stateRoot());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
