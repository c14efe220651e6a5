package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskResponse;
import java.util.List;
import java.util.Optional;

/** The narrow chain interfaces the aggregator needs (STYLE 5). */
public final class AggregatorPorts {
  private AggregatorPorts() {}

  /** Finds a task by index (from its {@code NewTaskCreated} event). */
  @FunctionalInterface
  public interface TaskLookup {
    Optional<CvmTask> find(long taskIndex);
  }

  /** The chain's current block number. */
  @FunctionalInterface
  public interface BlockClock {
    long currentBlock();
  }

  /** Checkpoint hints ({@code CvmRegistry.getCheckSignaturesIndices}). */
  @FunctionalInterface
  public interface IndicesReader {
    RegistryReader.CheckSignaturesIndices indices(
        byte[] quorumNumbers, long referenceBlock, List<byte[]> nonSignerIds);
  }

  /** A mined {@code respondToTask}. */
  public record Submitted(String transactionHash, long blockNumber, long gasUsed) {}

  /** Sends {@code respondToTask} and reports whether a task already has a response. */
  public interface ResponseSubmitter {
    Submitted respond(CvmTask task, TaskResponse response, NonSignerStakesAndSignature signature);

    boolean isResponded(long taskIndex);

    /**
     * A transaction of the aggregator's account is still in the pool (a timed-out respondToTask may
     * yet land: do not send another).
     */
    boolean hasPending();
  }
}
