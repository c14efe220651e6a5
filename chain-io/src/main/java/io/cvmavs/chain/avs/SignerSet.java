package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import java.util.List;

/**
 * {@code ICvmTaskManagerTypes.SignerSet}: the signers of one quorum of a challenged response,
 * operatorIds strictly ascending, each with its checkpoint index at the reference block.
 */
public record SignerSet(List<byte[]> operatorIds, List<Long> stakeIndices) {
  public SignerSet {
    if (operatorIds.size() != stakeIndices.size()) {
      throw new IllegalArgumentException(
          operatorIds.size() + " operatorIds but " + stakeIndices.size() + " stake indices");
    }
    operatorIds = operatorIds.stream().map(id -> Bytes32.check("operatorId", id)).toList();
    stakeIndices = List.copyOf(stakeIndices);
  }

  @Override
  public List<byte[]> operatorIds() {
    return operatorIds.stream().map(byte[]::clone).toList();
  }
}
