package io.cvmavs.consensus.rpc;

import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.Provider;
import io.cvmavs.consensus.light.SignedHeader;
import io.cvmavs.consensus.light.ValidatorSet;
import java.io.IOException;

/**
 * Light blocks from a CometBFT node's RPC: {@code /commit} and {@code /validators} at the height,
 * and {@code /validators} at the next height. A node that does not know the next height's set yet
 * answers that with a JSON-RPC error; the block then has no next set (enough to verify it, not to
 * trust it for a further step). Transport failures are errors. A JSON-RPC error for a height above
 * the node's latest ({@code /status}) is {@link Provider.HeightNotYetAvailable}: the node is
 * behind, not wrong.
 */
public final class RpcProvider implements Provider {
  private final CometRpcClient rpc;

  public RpcProvider(CometRpcClient rpc) {
    this.rpc = rpc;
  }

  @Override
  public LightBlock lightBlock(long height) throws IOException {
    SignedHeader signed;
    try {
      signed = rpc.commit(height);
    } catch (RpcException e) {
      if (e.code() == 0) {
        throw e;
      }
      long latest;
      try {
        latest = rpc.status().latestBlockHeight();
      } catch (RpcException notTold) {
        throw e;
      }
      if (latest < height) {
        throw new Provider.HeightNotYetAvailable(height, latest, e);
      }
      throw e;
    }
    if (signed.height() != height) {
      throw new RpcException("commit for height " + height + " answered height " + signed.height());
    }
    ValidatorSet validators = rpc.validators(height);
    ValidatorSet next;
    try {
      next = rpc.validators(height + 1);
    } catch (RpcException e) {
      if (e.code() == 0) {
        throw e;
      }
      next = null;
    }
    return new LightBlock(signed, validators, next);
  }
}
