package io.cvmavs.consensus.light;

import java.io.IOException;

/** Where a light client fetches blocks: a full node's RPC, a witness, a recording. */
public interface Provider {
  /**
   * The signed header at {@code height} with its validator set and the next height's validator set.
   *
   * @throws IOException the provider could not answer
   */
  LightBlock lightBlock(long height) throws IOException;
}
