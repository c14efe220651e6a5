package io.cvmavs.stake;

import io.cvmavs.stake.power.Candidate;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Seeded generator of keys, candidates and weights (STYLE.md 12: fixtures as code). */
public final class StakeFixtures {
  private final Random random;

  public StakeFixtures(long seed) {
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** A valid ed25519 public key from a random secret. */
  public ConsensusKey key() {
    byte[] sk = new byte[32];
    random.nextBytes(sk);
    byte[] pk = new byte[32];
    Ed25519.generatePublicKey(sk, 0, pk, 0);
    return ConsensusKey.of(pk);
  }

  public String address() {
    byte[] a = new byte[20];
    random.nextBytes(a);
    return "0x" + HexFormat.of().formatHex(a);
  }

  /** A weight between 0 and {@code 2^bits}, skewed towards small values like real stake. */
  public BigInteger weight(int bits) {
    int b = 1 + random.nextInt(bits);
    return new BigInteger(b, random);
  }

  public List<Candidate> candidates(int n, int bits) {
    List<Candidate> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Candidate(address(), key(), weight(bits)));
    }
    return out;
  }
}
