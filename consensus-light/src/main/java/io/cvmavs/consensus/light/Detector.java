package io.cvmavs.consensus.light;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Cross-checks what a light client verified from its primary against a witness, as CometBFT v0.38's
 * light-client detector does ({@code detectDivergence}, {@code
 * examineConflictingHeaderAgainstTrace}). The primary's trace given for a witness starts at the
 * last block <b>this witness</b> confirmed (agreed with) — or the trusted root before it confirmed
 * any — never at a header the witness has not confirmed: a witness that was behind when a header
 * was checked must not be judged against it later.
 *
 * <ol>
 *   <li>the witness's header at the height just verified is compared with the primary's (by hash);
 *       the same hash: {@link Agrees};
 *   <li>the witness has not reached that height yet ({@link Provider.HeightNotYetAvailable}):
 *       {@link Behind} — ask again later, not a verdict on it;
 *   <li>a different hash: the witness's block at the trace's first height (its confirmed block)
 *       must equal the primary's there, else the witness is {@link Faulty} (it changed an answer it
 *       gave); then for each later block of the trace the witness's block at that height is
 *       verified by bisection over the witness from the last block both agree on. A step that is
 *       not SUCCESS makes the witness {@link Faulty} (it served a header it cannot prove); the
 *       first height where the witness's verified block differs from the primary's is the
 *       bifurcation point: {@link Attack} with CometBFT's {@link LightClientAttackEvidence} (the
 *       conflicting block is the witness's, the trusted one the primary's, the common one the last
 *       block both agree on);
 *   <li>a witness that does not answer is {@link Unavailable} (not a verdict on anyone).
 * </ol>
 *
 * A light-client attack means at least one of primary and witness serves a chain signed by more
 * than the trust level of a set the light client trusted: the light client cannot tell which is
 * honest and must stop.
 */
public final class Detector {
  /** What the witness said. */
  public sealed interface Outcome permits Agrees, Attack, Behind, Faulty, Unavailable {}

  /** The witness has the same header at the checked height. */
  public record Agrees(long height) implements Outcome {}

  /**
   * The witness proved a conflicting header: {@code evidence} against the primary's {@code trusted}
   * block at {@code evidence.conflictingBlock().height()}, from {@code common}.
   */
  public record Attack(LightClientAttackEvidence evidence, LightBlock trusted, LightBlock common)
      implements Outcome {}

  /** The witness served a conflicting header it could not prove (drop it). */
  public record Faulty(String reason) implements Outcome {}

  /**
   * The witness answered that it has not reached {@code height} yet (its latest is {@code latest}):
   * wait and ask again; it is not faulty for it.
   */
  public record Behind(long height, long latest) implements Outcome {}

  /** The witness did not answer. */
  public record Unavailable(String reason) implements Outcome {}

  private Detector() {}

  /**
   * Compares the last block of {@code primaryTrace} with {@code witness}'s block at that height.
   *
   * @param primaryTrace the blocks verified from the primary, each verified from the previous one,
   *     from the last block this witness confirmed (or the trusted root) to the checked one (at
   *     least one block)
   */
  public static Outcome check(
      List<LightBlock> primaryTrace, Provider witness, LightVerifier.Options options, Instant now) {
    if (primaryTrace.isEmpty()) {
      throw new IllegalArgumentException("empty primary trace");
    }
    LightBlock target = primaryTrace.getLast();
    LightBlock witnessBlock;
    try {
      witnessBlock = witness.lightBlock(target.height());
    } catch (Provider.HeightNotYetAvailable e) {
      return new Behind(target.height(), e.latest());
    } catch (IOException e) {
      return new Unavailable("block " + target.height() + ": " + e.getMessage());
    }
    if (Arrays.equals(hash(witnessBlock), hash(target))) {
      return new Agrees(target.height());
    }
    if (primaryTrace.size() < 2) {
      return new Faulty(
          "its header "
              + target.height()
              + " hashes to "
              + LightJson.hex(hash(witnessBlock))
              + ", not the trusted "
              + LightJson.hex(hash(target)));
    }
    LightBlock root = primaryTrace.getFirst();
    LightBlock witnessRoot;
    try {
      witnessRoot = witness.lightBlock(root.height());
    } catch (IOException e) {
      return new Unavailable("block " + root.height() + ": " + e.getMessage());
    }
    if (!Arrays.equals(hash(witnessRoot), hash(root))) {
      return new Faulty(
          "its header "
              + root.height()
              + " (a header it agreed with, or the trusted root) hashes to "
              + LightJson.hex(hash(witnessRoot))
              + ", not the trusted "
              + LightJson.hex(hash(root)));
    }
    LightBlock common = root;
    Bisection overWitness = new Bisection(witness, options);
    for (LightBlock traced : primaryTrace.subList(1, primaryTrace.size())) {
      LightBlock verified;
      try {
        verified = overWitness.verifyTo(common, traced.height(), now).getLast();
      } catch (Bisection.VerificationFailed | IllegalArgumentException e) {
        return new Faulty(
            "its header "
                + traced.height()
                + " does not verify from the common header "
                + common.height()
                + ": "
                + e.getMessage());
      } catch (IOException e) {
        return new Unavailable("while verifying its header " + traced.height() + ": " + e);
      }
      if (!Arrays.equals(hash(verified), hash(traced))) {
        return new Attack(LightClientAttackEvidence.of(verified, traced, common), traced, common);
      }
      common = traced;
    }
    return new Faulty(
        "it answered two different headers at height "
            + target.height()
            + " (the second one agrees with the primary)");
  }

  private static byte[] hash(LightBlock b) {
    return HeaderHash.of(b.signedHeader().header());
  }
}
