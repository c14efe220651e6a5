package io.cvmavs.operator.monitor;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.avs.TaskManagerAbi;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Hash;

/**
 * The non-signers of a response, read from the {@code respondToTask} calldata: {@code
 * nonSignerStakesAndSignature.nonSignerPubkeys}, each turned into {@code operatorId = keccak256(x ‖
 * y)}. Layout of the arguments: {@code task} is dynamic (an offset in word 0), {@code taskResponse}
 * is four static words (1..4), {@code nonSignerStakesAndSignature} is dynamic (offset in word 5);
 * its first field is the offset of the {@code G1Point[]}.
 */
public final class RespondCalldata {
  private static final String SELECTOR = Abi.selector(TaskManagerAbi.RESPOND_TO_TASK);

  private RespondCalldata() {}

  /**
   * The non-signer ids (0x hex, in calldata order), or empty if {@code input} is not a direct
   * {@code respondToTask} call (e.g. sent through a multisig) or cannot be decoded.
   */
  public static Optional<List<String>> nonSignerIds(String input) {
    if (input == null || !input.toLowerCase(java.util.Locale.ROOT).startsWith(SELECTOR)) {
      return Optional.empty();
    }
    try {
      byte[] args = EventSpec.bytes(input.substring(SELECTOR.length()));
      int nonSigners = word(args, 5 * 32).intValueExact();
      int array = nonSigners + word(args, nonSigners).intValueExact();
      int n = word(args, array).intValueExact();
      List<String> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int at = array + 32 + 64 * i;
        ids.add(EventSpec.hex(Hash.sha3(Arrays.copyOfRange(args, at, at + 64))));
      }
      return Optional.of(ids);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code keccak256(abi.encodePacked(ids))}, as the contract records it. */
  public static String hashOfNonSigners(List<String> ids) {
    return EventSpec.hex(
        TaskManagerAbi.hashOfNonSigners(ids.stream().map(EventSpec::bytes).toList()));
  }

  private static BigInteger word(byte[] data, int at) {
    if (at < 0 || at + 32 > data.length) {
      throw new IllegalArgumentException("calldata too short");
    }
    return new BigInteger(1, Arrays.copyOfRange(data, at, at + 32));
  }
}
