package io.cvmavs.consensus.light;

import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.Header;

/** A header and the commit that signs it. */
public record SignedHeader(Header header, Commit commit) {
  public long height() {
    return header.getHeight();
  }

  public String chainId() {
    return header.getChainId();
  }
}
