package io.cvmavs.operator.rewards;

import io.cvmavs.chain.rewards.RewardsClaim;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * EigenLayer's distribution tree of cumulative earnings: per earner a token tree over leaves {@code
 * keccak256(uint8(1) ‖ token ‖ uint256 cumulativeEarnings)}, and the distribution tree over earner
 * leaves {@code keccak256(uint8(0) ‖ earner ‖ earnerTokenRoot)}. Both are keccak Merkle trees over
 * pairs {@code keccak256(left ‖ right)}, padded with zero leaves to a power of two; a single leaf
 * is its own root. Earners and tokens are ordered by address. Immutable.
 */
public final class DistributionTree {
  private final List<String> earners;
  private final Map<String, List<Map.Entry<String, BigInteger>>> tokens = new TreeMap<>();
  private final Map<String, byte[]> tokenRoots = new TreeMap<>();
  private final List<byte[][]> earnerLevels;

  /** {@code cumulative}: earner → token → cumulative earnings (all amounts > 0). */
  public DistributionTree(Map<String, Map<String, BigInteger>> cumulative) {
    if (cumulative.isEmpty()) {
      throw new IllegalArgumentException("a distribution tree needs at least one earner");
    }
    TreeMap<String, Map<String, BigInteger>> sorted = new TreeMap<>();
    cumulative.forEach((e, m) -> sorted.put(e.toLowerCase(Locale.ROOT), m));
    earners = List.copyOf(sorted.keySet());
    List<byte[]> earnerLeaves = new ArrayList<>();
    for (var e : sorted.entrySet()) {
      TreeMap<String, BigInteger> t = new TreeMap<>();
      e.getValue().forEach((k, v) -> t.put(k.toLowerCase(Locale.ROOT), v));
      if (t.isEmpty()) {
        throw new IllegalArgumentException("earner " + e.getKey() + " has no token");
      }
      List<Map.Entry<String, BigInteger>> entries = List.copyOf(t.entrySet());
      tokens.put(e.getKey(), entries);
      List<byte[]> leaves = new ArrayList<>();
      for (var x : entries) {
        leaves.add(tokenLeaf(x.getKey(), x.getValue()));
      }
      byte[] tokenRoot = root(levels(leaves));
      tokenRoots.put(e.getKey(), tokenRoot);
      earnerLeaves.add(earnerLeaf(e.getKey(), tokenRoot));
    }
    earnerLevels = levels(earnerLeaves);
  }

  public byte[] root() {
    return root(earnerLevels);
  }

  public List<String> earners() {
    return earners;
  }

  /** The claim of {@code earner} for every token it has, against root index {@code rootIndex}. */
  public RewardsClaim claim(String earner, long rootIndex) {
    String e = earner.toLowerCase(Locale.ROOT);
    int index = earners.indexOf(e);
    if (index < 0) {
      throw new IllegalArgumentException("earner " + earner + " is not in the distribution tree");
    }
    List<Map.Entry<String, BigInteger>> entries = tokens.get(e);
    List<byte[]> leaves = new ArrayList<>();
    for (var x : entries) {
      leaves.add(tokenLeaf(x.getKey(), x.getValue()));
    }
    List<byte[][]> tokenLevels = levels(leaves);
    List<RewardsClaim.TokenClaim> claims = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      claims.add(
          new RewardsClaim.TokenClaim(
              i, proof(tokenLevels, i), entries.get(i).getKey(), entries.get(i).getValue()));
    }
    return new RewardsClaim(
        rootIndex, index, proof(earnerLevels, index), e, tokenRoots.get(e), claims);
  }

  static byte[] tokenLeaf(String token, BigInteger cumulative) {
    return Hash.sha3(concat(new byte[] {1}, address(token), Numeric.toBytesPadded(cumulative, 32)));
  }

  static byte[] earnerLeaf(String earner, byte[] earnerTokenRoot) {
    return Hash.sha3(concat(new byte[] {0}, address(earner), earnerTokenRoot));
  }

  /** Level 0 = leaves padded with zero leaves to a power of two; the last level is the root. */
  private static List<byte[][]> levels(List<byte[]> leaves) {
    int width = 1;
    while (width < leaves.size()) {
      width <<= 1;
    }
    byte[][] level = new byte[width][];
    for (int i = 0; i < width; i++) {
      level[i] = i < leaves.size() ? leaves.get(i) : new byte[32];
    }
    List<byte[][]> out = new ArrayList<>();
    out.add(level);
    while (level.length > 1) {
      byte[][] up = new byte[level.length / 2][];
      for (int i = 0; i < up.length; i++) {
        up[i] = Hash.sha3(concat(level[2 * i], level[2 * i + 1]));
      }
      out.add(up);
      level = up;
    }
    return out;
  }

  private static byte[] root(List<byte[][]> levels) {
    return levels.getLast()[0];
  }

  private static byte[] proof(List<byte[][]> levels, int index) {
    byte[] out = new byte[32 * (levels.size() - 1)];
    for (int l = 0; l < levels.size() - 1; l++) {
      System.arraycopy(levels.get(l)[index ^ 1], 0, out, 32 * l, 32);
      index >>= 1;
    }
    return out;
  }

  private static byte[] address(String a) {
    byte[] b = Numeric.hexStringToByteArray(a);
    if (b.length != 20) {
      throw new IllegalArgumentException("not a 20-byte address: " + a);
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
