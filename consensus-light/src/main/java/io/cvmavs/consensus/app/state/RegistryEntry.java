package io.cvmavs.consensus.app.state;

/**
 * What the CVM chain imported of one {@code CvmManuscriptRegistry} entry: its status (the
 * contract's numbering: 1 active, 2 deprecated, 3 revoked), content hash and locator from its
 * registration, and the Ethereum block of its last change and the CVM chain height that imported
 * it.
 */
public record RegistryEntry(
    int status, byte[] contentHash, String locator, long ethBlock, long importedAt) {
  public RegistryEntry {
    contentHash = contentHash.clone();
  }

  @Override
  public byte[] contentHash() {
    return contentHash.clone();
  }
}
