package io.cvmavs.cvm.task;

import java.util.Optional;

/**
 * What the CVM needs of the on-chain manuscript registry ({@code CvmManuscriptRegistry}): one entry
 * by manuscript hash. The operator implements it over chain-io's reader; the CVM never talks to a
 * chain for it itself.
 */
@FunctionalInterface
public interface ManuscriptDirectory {
  /** A registered manuscript: its SHA-256 content hash, status and locator URI. */
  record Listing(byte[] contentHash, Status status, String locator) {
    public Listing {
      if (contentHash.length != 32) {
        throw new IllegalArgumentException("content hash is not 32 bytes");
      }
      contentHash = contentHash.clone();
    }

    @Override
    public byte[] contentHash() {
      return contentHash.clone();
    }
  }

  /** The registry's status of an entry (a never-registered hash has no listing). */
  enum Status {
    ACTIVE,
    DEPRECATED,
    REVOKED
  }

  /**
   * The entry of {@code manuscriptHash}, empty when it was never registered.
   *
   * @throws RuntimeException when the registry cannot be read (transient: the task is retried)
   */
  Optional<Listing> find(byte[] manuscriptHash);
}
