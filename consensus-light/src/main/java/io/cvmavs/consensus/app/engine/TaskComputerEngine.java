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
  private final CvmTaskComputer computer;

  public TaskComputerEngine(CvmTaskComputer computer) {
    this.computer = computer;
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
    CvmBlock block = computer.block(manuscriptHash, height);
    CvmBlockHeader h = block.header();
    if (h.input().fromBlock() != fromBlock || h.input().toBlock() != toBlock) {
      throw new IllegalStateException("CVM built block " + height + " over another range");
    }
    return block;
  }
}
