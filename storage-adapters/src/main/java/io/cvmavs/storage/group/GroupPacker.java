package io.cvmavs.storage.group;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.proof.Keccak;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Collects the finalised blocks of one manuscript chain and closes a group when its payload reaches
 * {@code targetBytes} (default 1 MiB) or when its first block has waited {@code maxAge} (default 10
 * minutes) — whichever comes first (docs/STORAGE.md "Closing"). Blocks are encoded as they arrive,
 * so closing only concatenates, compresses and hashes. Not thread-safe.
 */
public final class GroupPacker {
  public static final long DEFAULT_TARGET_BYTES = 1L << 20;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  private final long chainId;
  private final byte[] manuscriptSection;
  private final byte[] manuscriptHash;
  private final long targetBytes;
  private final Duration maxAge;
  private final Clock clock;
  private final Supplier<List<PreviousLocator>> previous;
  private final List<byte[]> pending = new ArrayList<>();
  private long pendingBytes;
  private long firstHeight = -1;
  private byte[] lastHash;
  private Instant openedAt;

  /**
   * @param previous the locators of the last closed group on each backend, asked at every close
   */
  public GroupPacker(
      long chainId,
      byte[] manuscript,
      long targetBytes,
      Duration maxAge,
      Clock clock,
      Supplier<List<PreviousLocator>> previous) {
    if (targetBytes <= 0 || targetBytes > GroupHeader.MAX_PAYLOAD / 2) {
      throw new IllegalArgumentException(
          "group target size " + targetBytes + " is outside 1.." + GroupHeader.MAX_PAYLOAD / 2);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("group max age must be positive, got " + maxAge);
    }
    this.chainId = chainId;
    this.manuscriptSection = PayloadCodec.encodeManuscript(manuscript);
    this.manuscriptHash = Keccak.hash(manuscript);
    this.targetBytes = targetBytes;
    this.maxAge = maxAge;
    this.clock = clock;
    this.previous = previous;
  }

  /** Adds the next block; returns the group it closed, if it reached the target size. */
  public Optional<BlockGroup> add(CvmBlock block) {
    long h = block.header().height();
    if (!Arrays.equals(block.header().manuscriptHash(), manuscriptHash)) {
      throw new GroupFormatException("block " + h + " belongs to another manuscript");
    }
    if (lastHash != null
        && (h != firstHeight + pending.size()
            || !Arrays.equals(block.header().parentHash(), lastHash))) {
      throw new GroupFormatException(
          "block " + h + " does not follow block " + (firstHeight + pending.size() - 1));
    }
    byte[] encoded = PayloadCodec.encodeBlock(block);
    if (pending.isEmpty()) {
      firstHeight = h;
      openedAt = clock.instant();
    }
    pending.add(encoded);
    pendingBytes += encoded.length;
    lastHash = block.hash();
    return manuscriptSection.length + pendingBytes >= targetBytes
        ? Optional.of(close())
        : Optional.empty();
  }

  /** Closes the open group if its first block has waited {@code maxAge}. */
  public Optional<BlockGroup> poll() {
    if (!pending.isEmpty() && !clock.instant().isBefore(openedAt.plus(maxAge))) {
      return Optional.of(close());
    }
    return Optional.empty();
  }

  /** Closes the open group now (shutdown), if it has blocks. */
  public Optional<BlockGroup> flush() {
    return pending.isEmpty() ? Optional.empty() : Optional.of(close());
  }

  /** Blocks waiting in the open group. */
  public int pendingBlocks() {
    return pending.size();
  }

  private BlockGroup close() {
    byte[][] parts = new byte[pending.size() + 1][];
    parts[0] = manuscriptSection;
    for (int i = 0; i < pending.size(); i++) {
      parts[i + 1] = pending.get(i);
    }
    BlockGroup g =
        BlockGroup.packEncoded(chainId, manuscriptHash, firstHeight, parts, previous.get());
    // the next group continues the chain: keep lastHash, restart the heights after this group
    firstHeight += pending.size();
    pending.clear();
    pendingBytes = 0;
    openedAt = null;
    return g;
  }
}
