package io.cvmavs.operator.aggregatorapi;

import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bn254.G1Point;

/**
 * Where the node sends its signature (STYLE 5: a port): the aggregator's {@code
 * aggregator_submitSignature}, implemented by {@link AggregatorClient}.
 */
@FunctionalInterface
public interface SignatureDelivery {
  /**
   * Delivers one signature; a refusal comes back as an answer with the aggregator's code.
   *
   * @throws AggregatorClient.Unavailable the aggregator could not be reached (the node tries again
   *     later)
   */
  AggregatorClient.Answer submit(
      long taskIndex, TaskResponse response, String operatorId, G1Point signature);
}
