package io.cvmavs.consensus.light;

import java.io.IOException;

/** Where a light client fetches blocks: a full node's RPC, a witness, a recording. */
public interface Provider {
  /**
   * The signed header at {@code height} with its validator set and the next height's validator set.
   *
   * @throws HeightNotYetAvailable the provider has not reached {@code height} yet
   * @throws IOException the provider could not answer
   */
  LightBlock lightBlock(long height) throws IOException;

  /**
   * The provider answered, but its latest block is below the asked height: it is behind (normal for
   * a node following the chain a block late), not wrong. Asking again later may succeed.
   */
  final class HeightNotYetAvailable extends IOException {
    private final long height;
    private final long latest;

    public HeightNotYetAvailable(long height, long latest, Throwable cause) {
      super("height " + height + " is not available yet: the latest block is " + latest, cause);
      this.height = height;
      this.latest = latest;
    }

    /** The height asked for. */
    public long height() {
      return height;
    }

    /** The provider's latest height when it was asked. */
    public long latest() {
      return latest;
    }
  }
}
