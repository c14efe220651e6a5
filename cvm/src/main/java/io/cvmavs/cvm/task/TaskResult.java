package io.cvmavs.cvm.task;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the CVM computed for a task: the CVM block's hash, its dataset root ({@link
 * CvmTaskComputer#datasetRoot}) and state root — the values an operator attests.
 */
public record TaskResult(
    long taskIndex, byte[] cvmBlockHash, byte[] datasetRoot, byte[] stateRoot) {
  public TaskResult {
    cvmBlockHash = cvmBlockHash.clone();
    datasetRoot = datasetRoot.clone();
    stateRoot = stateRoot.clone();
  }

  @Override
  public byte[] cvmBlockHash() {
    return cvmBlockHash.clone();
  }

  @Override
  public byte[] datasetRoot() {
    return datasetRoot.clone();
  }

  @Override
  public byte[] stateRoot() {
    return stateRoot.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskResult r
        && r.taskIndex == taskIndex
        && Arrays.equals(r.cvmBlockHash, cvmBlockHash)
        && Arrays.equals(r.datasetRoot, datasetRoot)
        && Arrays.equals(r.stateRoot, stateRoot);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(cvmBlockHash) * 31 + Long.hashCode(taskIndex);
  }

  @Override
  public String toString() {
    HexFormat h = HexFormat.of();
    return "TaskResult{task="
        + taskIndex
        + ", cvmBlockHash=0x"
        + h.formatHex(cvmBlockHash)
        + ", datasetRoot=0x"
        + h.formatHex(datasetRoot)
        + ", stateRoot=0x"
        + h.formatHex(stateRoot)
        + "}";
  }
}
