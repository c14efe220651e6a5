package io.cvmavs.storage.anchor;

import io.cvmavs.storage.group.PreviousLocator;
import java.util.List;
import java.util.Optional;

/**
 * One {@code GroupAnchored} event of the {@code AnchorRegistry}: a stored group's receipt on
 * Ethereum.
 *
 * @param stream the manuscript hash of the group's blocks
 * @param fileSize the group file's size in bytes
 * @param groupHash SHA-256 of the group's uncompressed payload (its header's groupHash)
 * @param dataRoot Arweave {@code data_root} of the group file (256 KiB chunks)
 * @param auditRoot the audit root of the group file (8 KiB chunks)
 * @param locators where each backend holds the file
 */
public record AnchoredGroup(
    byte[] stream,
    long firstHeight,
    long lastHeight,
    long fileSize,
    byte[] groupHash,
    byte[] dataRoot,
    byte[] auditRoot,
    byte[] locatorsHash,
    List<PreviousLocator> locators,
    long blockNumber,
    String transactionHash) {
  public AnchoredGroup {
    locators = List.copyOf(locators);
  }

  /** The group's locator on {@code backend}, if its anchor names one. */
  public Optional<String> locatorOn(String backend) {
    return locators.stream()
        .filter(p -> p.backend().equals(backend))
        .map(PreviousLocator::locator)
        .findFirst();
  }

  /** {@code heights a..b} for messages. */
  public String heights() {
    return "heights " + firstHeight + ".." + lastHeight;
  }
}
