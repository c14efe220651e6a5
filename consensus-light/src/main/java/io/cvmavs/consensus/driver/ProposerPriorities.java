package io.cvmavs.consensus.driver;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CometBFT's weighted proposer selection ({@code types.ValidatorSet} of v0.38, as its
 * proposer-selection spec describes it), re-implemented from the spec's rules:
 *
 * <ul>
 *   <li>{@link #increment(int) increment(times)}: first rescale — if the spread between the highest
 *       and lowest priority exceeds {@code 2 × total power}, divide every priority (truncating
 *       toward zero) by {@code ceil(spread / (2 × total))}; then centre — subtract the average
 *       priority (floor division, as Go's {@code big.Int.Div} for a positive divisor); then {@code
 *       times} times: add each validator's power to its priority and take the highest priority
 *       (ties: the lower address) as proposer, whose priority drops by the total power. Sums clip
 *       at the int64 range.
 *   <li>A new set ({@link #create}) is incremented once, so its proposer is set.
 *   <li>{@link #update validator updates}: power 0 removes; an existing validator keeps its
 *       priority; a new one starts at {@code -(T + T/8)} with {@code T} the total after the updates
 *       but before removals; then rescale to {@code 2 × total} and centre (no increment).
 * </ul>
 *
 * Validators are kept in CometBFT's canonical order (power descending, address ascending).
 * Instances are immutable; every operation returns a new set.
 */
public final class ProposerPriorities {
  /** CometBFT's {@code PriorityWindowSizeFactor}. */
  static final long WINDOW_FACTOR = 2;

  /**
   * A validator with its priority.
   *
   * @param address the validator's address (SHA-256(key)[:20] for Ed25519; any bytes in tests)
   * @param publicKey the Ed25519 key, or {@code null} where only priorities matter
   */
  public record Entry(byte[] address, byte[] publicKey, long power, long priority) {
    public Entry {
      address = address.clone();
      publicKey = publicKey == null ? null : publicKey.clone();
    }

    @Override
    public byte[] address() {
      return address.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey == null ? null : publicKey.clone();
    }

    Entry withPriority(long p) {
      return new Entry(address, publicKey, power, p);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e
          && Arrays.equals(address, e.address)
          && Arrays.equals(publicKey, e.publicKey)
          && power == e.power
          && priority == e.priority;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(address) * 31 + Long.hashCode(priority);
    }

    @Override
    public String toString() {
      return "Entry["
          + java.util.HexFormat.of().formatHex(address)
          + ", "
          + power
          + ", "
          + priority
          + "]";
    }
  }

  private static final Comparator<Entry> CANONICAL =
      Comparator.comparingLong(Entry::power)
          .reversed()
          .thenComparing(e -> e.address, Arrays::compareUnsigned);

  private final List<Entry> entries;
  private final int proposer;

  private ProposerPriorities(List<Entry> entries, int proposer) {
    this.entries = List.copyOf(entries);
    this.proposer = proposer;
  }

  /**
   * A new set (CometBFT's {@code NewValidatorSet}): priorities from zero plus the given ones (zero
   * at genesis), rescaled, centred and incremented once.
   *
   * @throws IllegalArgumentException empty, non-positive power, duplicate address, total too large
   */
  public static ProposerPriorities create(List<Entry> validators) {
    if (validators.isEmpty()) {
      throw new IllegalArgumentException("a validator set needs at least one validator");
    }
    for (Entry e : validators) {
      if (e.power() <= 0) {
        throw new IllegalArgumentException(e + ": a new set needs positive powers");
      }
    }
    ProposerPriorities empty = new ProposerPriorities(List.of(), -1);
    return empty.update(validators).increment(1);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The proposer chosen by the last increment. */
  public Entry proposer() {
    if (proposer < 0) {
      throw new IllegalStateException("no proposer: the set was never incremented");
    }
    return entries.get(proposer);
  }

  public long totalPower() {
    long total = 0;
    for (Entry e : entries) {
      total += e.power();
    }
    return total;
  }

  /** CometBFT's {@code IncrementProposerPriority(times)} on a copy. */
  public ProposerPriorities increment(int times) {
    if (times <= 0) {
      throw new IllegalArgumentException("times must be positive, got " + times);
    }
    long total = totalPower();
    long[] p = priorities();
    rescale(p, WINDOW_FACTOR * total);
    centre(p);
    int chosen = -1;
    for (int t = 0; t < times; t++) {
      for (int i = 0; i < p.length; i++) {
        p[i] = addClip(p[i], entries.get(i).power());
      }
      chosen = highest(p);
      p[chosen] = subClip(p[chosen], total);
    }
    return new ProposerPriorities(withPriorities(p), chosen);
  }

  /**
   * CometBFT's {@code UpdateWithChangeSet}: {@code changes} (address, key, power; power 0 removes;
   * priority ignored) applied, priorities of new validators set, rescaled and centred. The proposer
   * is kept by address when it survives.
   *
   * @throws IllegalArgumentException a duplicate change, a negative power, removal of an unknown
   *     validator, an empty result, or a total over int64 max / 8
   */
  public ProposerPriorities update(List<Entry> changes) {
    if (changes.isEmpty()) {
      return this;
    }
    Map<String, Entry> current = new HashMap<>();
    for (Entry e : entries) {
      current.put(key(e.address), e);
    }
    Map<String, Entry> seen = new HashMap<>();
    long removed = 0;
    long delta = 0;
    int added = 0;
    int removals = 0;
    for (Entry c : changes) {
      if (seen.put(key(c.address), c) != null) {
        throw new IllegalArgumentException("duplicate validator update for " + key(c.address));
      }
      if (c.power() < 0) {
        throw new IllegalArgumentException(c + ": negative voting power");
      }
      if (c.power() > io.cvmavs.consensus.light.ValidatorSet.MAX_TOTAL_VOTING_POWER) {
        throw new IllegalArgumentException(c + ": voting power over int64 max / 8");
      }
      Entry old = current.get(key(c.address));
      if (c.power() == 0) {
        if (old == null) {
          throw new IllegalArgumentException(
              "cannot remove validator " + key(c.address) + ": not in the set");
        }
        removed += old.power();
        removals++;
      } else {
        delta += c.power() - (old == null ? 0 : old.power());
        if (old == null) {
          added++;
        }
      }
    }
    if (added == 0 && removals == entries.size()) {
      throw new IllegalArgumentException("the validator updates would leave an empty set");
    }
    long tvpAfterUpdatesBeforeRemovals = totalPower() + delta;
    if (tvpAfterUpdatesBeforeRemovals - removed
        > io.cvmavs.consensus.light.ValidatorSet.MAX_TOTAL_VOTING_POWER) {
      throw new IllegalArgumentException("total voting power would exceed int64 max / 8");
    }
    List<Entry> merged = new ArrayList<>();
    for (Entry e : entries) {
      Entry c = seen.get(key(e.address));
      if (c == null) {
        merged.add(e);
      } else if (c.power() > 0) {
        merged.add(
            new Entry(
                e.address,
                c.publicKey != null ? c.publicKey : e.publicKey,
                c.power(),
                e.priority()));
      }
    }
    for (Entry c : changes) {
      if (c.power() > 0 && !current.containsKey(key(c.address))) {
        merged.add(
            new Entry(
                c.address,
                c.publicKey,
                c.power(),
                -(tvpAfterUpdatesBeforeRemovals + (tvpAfterUpdatesBeforeRemovals >> 3))));
      }
    }
    merged.sort(CANONICAL);
    ProposerPriorities next = new ProposerPriorities(merged, -1);
    long[] p = next.priorities();
    rescale(p, WINDOW_FACTOR * next.totalPower());
    centre(p);
    List<Entry> result = next.withPriorities(p);
    int keep = -1;
    if (proposer >= 0) {
      byte[] was = entries.get(proposer).address;
      for (int i = 0; i < result.size(); i++) {
        if (Arrays.equals(result.get(i).address, was)) {
          keep = i;
        }
      }
    }
    return new ProposerPriorities(result, keep);
  }

  private long[] priorities() {
    long[] p = new long[entries.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = entries.get(i).priority();
    }
    return p;
  }

  private List<Entry> withPriorities(long[] p) {
    List<Entry> out = new ArrayList<>(p.length);
    for (int i = 0; i < p.length; i++) {
      out.add(entries.get(i).withPriority(p[i]));
    }
    return out;
  }

  private static void rescale(long[] p, long diffMax) {
    if (diffMax <= 0 || p.length == 0) {
      return;
    }
    long max = Long.MIN_VALUE;
    long min = Long.MAX_VALUE;
    for (long v : p) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    long diff = Math.abs(max - min);
    if (diff > diffMax) {
      long ratio = (diff + diffMax - 1) / diffMax;
      for (int i = 0; i < p.length; i++) {
        p[i] /= ratio; // Java's long division truncates toward zero, as Go's
      }
    }
  }

  private static void centre(long[] p) {
    if (p.length == 0) {
      return;
    }
    BigInteger sum = BigInteger.ZERO;
    for (long v : p) {
      sum = sum.add(BigInteger.valueOf(v));
    }
    // Go's big.Int.Div is Euclidean: floor division for a positive divisor.
    BigInteger[] qr = sum.divideAndRemainder(BigInteger.valueOf(p.length));
    BigInteger avg = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    long a = avg.longValueExact();
    for (int i = 0; i < p.length; i++) {
      p[i] = subClip(p[i], a);
    }
  }

  /** The index with the highest priority; ties go to the lower address (bytewise). */
  private int highest(long[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]
          || (p[i] == p[best]
              && Arrays.compareUnsigned(entries.get(i).address, entries.get(best).address) < 0)) {
        best = i;
      }
    }
    return best;
  }

  private static long addClip(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }

  private static long subClip(long a, long b) {
    long r = a - b;
    if (((a ^ b) & (a ^ r)) < 0) {
      return b < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }

  private static String key(byte[] address) {
    return java.util.HexFormat.of().formatHex(address);
  }
}
