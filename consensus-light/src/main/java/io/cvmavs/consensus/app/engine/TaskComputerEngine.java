package io.cvmavs.consensus.app.engine;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.cvm.task.TaskRefusedException;

/**
 * The Engine API over the CVM's task computation ({@link CvmTaskComputer}): the same blocks the
 * node attests on Ethereum, built on the process's one warm Flink runtime. The computer's block
 * schedule must be the chain's (genesis); a range that differs is refused rather than built.
 */
public final class TaskComputerEngine implements CvmEngine {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TaskComputerEngine.class);
  private final CvmTaskComputer computer;
  private final java.util.concurrent.atomic.AtomicBoolean building =
      new java.util.concurrent.atomic.AtomicBoolean();

  public TaskComputerEngine(CvmTaskComputer computer) {
    this.computer = computer;
  }

  /**
   * The block when the computer has built it; otherwise starts building it in the background (one
   * build at a time per engine) and answers empty, so a proposer never waits behind the process's
   * Flink lane.
   */
  @Override
  public java.util.Optional<CvmBlock> ready(
      byte[] manuscriptHash, long height, long fromBlock, long toBlock) {
    java.util.Optional<CvmBlock> b = computer.built(manuscriptHash, height);
    if (b.isPresent()) {
      return java.util.Optional.of(checked(b.get(), height, fromBlock, toBlock));
    }
    if (building.compareAndSet(false, true)) {
      byte[] m = manuscriptHash.clone();
      Thread.ofVirtual()
          .name("cvm-engine-build")
          .start(
              () -> {
                try {
                  block(m, height, fromBlock, toBlock);
                } catch (RuntimeException e) {
                  // The proposer asks again at the next height.
                  LOG.info("CVM block {} could not be built yet: {}", height, e.getMessage());
                } finally {
                  building.set(false);
                }
              });
    }
    return java.util.Optional.empty();
  }

  @Override
  public CvmBlock block(byte[] manuscriptHash, long height, long fromBlock, long toBlock) {
    long from = computer.schedule().rangeStart(height);
    long to = computer.schedule().rangeEnd(height);
    if (from != fromBlock || to != toBlock) {
      throw new TaskRefusedException(
          TaskRefusedException.Reason.INPUT_MISMATCH,
          "CVM block "
              + height
              + ": the chain asks for Ethereum blocks "
              + fromBlock
              + "-"
              + toBlock
              + " but this CVM's schedule covers "
              + from
              + "-"
              + to);
    }
    // A block built already is read without the computer's lock, which a build of a later block
    // holds for as long as its Flink job waits in the process's lane.
    java.util.Optional<CvmBlock> built = computer.built(manuscriptHash, height);
    return checked(
        built.isPresent() ? built.get() : computer.block(manuscriptHash, height),
        height,
        fromBlock,
        toBlock);
  }

  private static CvmBlock checked(CvmBlock block, long height, long fromBlock, long toBlock) {
    CvmBlockHeader h = block.header();
    if (h.input().fromBlock() != fromBlock || h.input().toBlock() != toBlock) {
      throw new IllegalStateException("CVM built block " + height + " over another range");
    }
    return block;
  }
}
