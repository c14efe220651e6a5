package io.cvmavs.consensus.app.state;

/**
 * One registered manuscript's chain of CVM blocks on the CVM chain: the next CVM height it expects,
 * the hash and state root of its last finalised block (zeros before its first).
 */
public record ManuscriptHead(
    byte[] manuscriptHash, long nextHeight, byte[] headHash, byte[] headStateRoot) {
  public ManuscriptHead {
    manuscriptHash = manuscriptHash.clone();
    headHash = headHash.clone();
    headStateRoot = headStateRoot.clone();
  }

  public static ManuscriptHead fresh(byte[] manuscriptHash) {
    return new ManuscriptHead(manuscriptHash, 0, new byte[32], new byte[32]);
  }

  @Override
  public byte[] manuscriptHash() {
    return manuscriptHash.clone();
  }

  @Override
  public byte[] headHash() {
    return headHash.clone();
  }

  @Override
  public byte[] headStateRoot() {
    return headStateRoot.clone();
  }
}
