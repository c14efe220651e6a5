package io.cvmavs.chain.abi;

import io.cvmavs.chain.ChainException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads ABI-encoded return data, calldata or log data word by word (for shapes web3j's decoder does
 * not handle, such as {@code uint32[][]}). Offsets are relative to the start of the enclosing
 * tuple, as the ABI says. Every read is bounds-checked; a failure is a {@link ChainException}
 * naming {@code what}.
 */
public final class Words {
  private final byte[] data;
  private final String what;

  public Words(String hex, String what) {
    this.data = Numbers.bytes(hex);
    this.what = what;
    if (data.length % 32 != 0) {
      throw new ChainException(
          what + ": return data is not whole words (" + data.length + " bytes)");
    }
  }

  /** How many 32-byte words the data holds. */
  public int words() {
    return data.length / 32;
  }

  /** The unsigned word at {@code byteOffset}. */
  public BigInteger word(int byteOffset) {
    return new BigInteger(1, bytes32(byteOffset));
  }

  /** The same as {@link #word}: a {@code uintN}. */
  public BigInteger uint(int byteOffset) {
    return word(byteOffset);
  }

  /** The two's-complement word at {@code byteOffset} (an {@code intN}). */
  public BigInteger int256(int byteOffset) {
    return new BigInteger(bytes32(byteOffset));
  }

  public byte[] bytes32(int byteOffset) {
    check(byteOffset, 32);
    byte[] w = new byte[32];
    System.arraycopy(data, byteOffset, w, 0, 32);
    return w;
  }

  /** The {@code address} at {@code byteOffset}, 0x-prefixed lower case. */
  public String address(int byteOffset) {
    check(byteOffset, 32);
    byte[] a = new byte[20];
    System.arraycopy(data, byteOffset + 12, a, 0, 20);
    return Numbers.hex(a).toLowerCase(Locale.ROOT);
  }

  /** An offset or length word: at most the data's size. */
  public int offset(int byteOffset) {
    BigInteger o = word(byteOffset);
    if (o.bitLength() > 31 || o.intValue() > data.length) {
      throw new ChainException(
          what + ": malformed data: offset " + o + " outside " + data.length + " bytes");
    }
    return o.intValue();
  }

  /** A {@code uintN[]} whose encoding starts at {@code at} (length word first). */
  public List<Long> uintArray(int at) {
    int n = offset(at);
    List<Long> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(word(at + 32 + 32 * i).longValueExact());
    }
    return out;
  }

  /** A {@code uintN[][]} whose encoding starts at {@code at}. */
  public List<List<Long>> uintArrayArray(int at) {
    int n = offset(at);
    int base = at + 32;
    List<List<Long>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(uintArray(base + offset(base + 32 * i)));
    }
    return out;
  }

  /**
   * A dynamic array of static elements of {@code wordsPerItem} words whose offset is at {@code
   * headOffset}: its first element's position and its length.
   */
  public int[] array(int headOffset, int wordsPerItem) {
    int start = offset(headOffset);
    int n = offset(start);
    check(start + 32, n * 32 * wordsPerItem);
    return new int[] {start + 32, n};
  }

  /** An {@code address[]} returned alone. */
  public List<String> addressArray() {
    int[] a = array(0, 1);
    List<String> out = new ArrayList<>(a[1]);
    for (int i = 0; i < a[1]; i++) {
      out.add(address(a[0] + 32 * i));
    }
    return out;
  }

  /** A {@code uint256[][]} returned alone. */
  public List<List<BigInteger>> uintMatrix() {
    int[] outer = array(0, 1);
    int base = outer[0];
    List<List<BigInteger>> rows = new ArrayList<>(outer[1]);
    for (int i = 0; i < outer[1]; i++) {
      int rowStart = base + offset(base + 32 * i);
      int m = offset(rowStart);
      check(rowStart + 32, m * 32);
      List<BigInteger> row = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        row.add(word(rowStart + 32 + 32 * j));
      }
      rows.add(row);
    }
    return rows;
  }

  private void check(int offset, int length) {
    if (offset < 0 || length < 0 || (long) offset + length > data.length) {
      throw new ChainException(
          what
              + ": return data too short (need bytes "
              + offset
              + ".."
              + ((long) offset + length)
              + " of "
              + data.length
              + ")");
    }
  }
}
