package io.cvmavs.consensus.light;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Skipping verification with bisection, as CometBFT's light client does it ({@code
 * verifySkipping}): try to verify the target from the latest trusted block; on NOT_ENOUGH_TRUST
 * fetch the block halfway between and try that first; each block verified becomes the trusted one
 * and the target is tried again. Adjacent steps cannot lack trust, so this ends; INVALID from any
 * step stops it.
 */
public final class Bisection {
  /** A verification that ended in INVALID: the step that failed and why. */
  public static final class VerificationFailed extends Exception {
    private static final long serialVersionUID = 1L;
    private final long trustedHeight;
    private final long height;

    VerificationFailed(long trustedHeight, long height, String reason) {
      super("header " + height + " from trusted header " + trustedHeight + ": " + reason);
      this.trustedHeight = trustedHeight;
      this.height = height;
    }

    public long trustedHeight() {
      return trustedHeight;
    }

    public long height() {
      return height;
    }
  }

  private final Provider provider;
  private final LightVerifier.Options options;

  public Bisection(Provider provider, LightVerifier.Options options) {
    this.provider = provider;
    this.options = options;
  }

  /**
   * Verifies the block at {@code targetHeight} from {@code trusted}.
   *
   * @return the blocks verified on the way, in order, the target last
   * @throws VerificationFailed a step was INVALID
   * @throws IOException the provider failed
   */
  public List<LightBlock> verifyTo(LightBlock trusted, long targetHeight, Instant now)
      throws VerificationFailed, IOException {
    if (targetHeight <= trusted.height()) {
      throw new IllegalArgumentException(
          "target height " + targetHeight + " is not above the trusted height " + trusted.height());
    }
    List<LightBlock> trace = new ArrayList<>();
    List<LightBlock> pending = new ArrayList<>();
    pending.add(provider.lightBlock(targetHeight));
    LightBlock verified = trusted;
    int depth = 0;
    while (true) {
      LightBlock candidate = pending.get(depth);
      Result r = LightVerifier.verify(verified, candidate, options, now);
      switch (r.verdict()) {
        case SUCCESS -> {
          trace.add(candidate);
          if (depth == 0) {
            return trace;
          }
          verified = candidate;
          pending.subList(depth, pending.size()).clear();
          depth = 0;
        }
        case NOT_ENOUGH_TRUST -> {
          if (depth == pending.size() - 1) {
            long pivot = verified.height() + (candidate.height() - verified.height()) / 2;
            pending.add(provider.lightBlock(pivot));
          }
          depth++;
        }
        case INVALID ->
            throw new VerificationFailed(verified.height(), candidate.height(), r.reason());
      }
    }
  }
}
