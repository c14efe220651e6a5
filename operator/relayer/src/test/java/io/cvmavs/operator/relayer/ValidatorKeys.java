package io.cvmavs.operator.relayer;

import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** BLS validator keys for the relayer's unit tests. */
final class ValidatorKeys {
  private ValidatorKeys() {}

  /** The keys of {@code secrets} in the contract's order of validators (operatorId ascending). */
  static List<BlsKeyPair> sortedByOperatorId(int... secrets) {
    List<BlsKeyPair> ks = new ArrayList<>();
    for (int s : secrets) {
      ks.add(BlsKeyPair.fromSecret(BigInteger.valueOf(s)));
    }
    ks.sort(
        Comparator.comparing(
            k -> Bls.operatorId(k.publicKeyG1()), (a, b) -> Arrays.compareUnsigned(a, b)));
    return ks;
  }
}
