package io.cvmavs.consensus.light;

import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import java.util.HashSet;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Commit verification as CometBFT v0.38's light client does it ({@code VerifyCommitLight} and
 * {@code VerifyCommitLightTrusting}): only {@code BLOCK_ID_FLAG_COMMIT} votes count, the signed
 * power must be strictly greater than the threshold, and tallying stops once it is (signatures past
 * that point are not checked, as in CometBFT). Signatures are Ed25519 over the vote's sign bytes —
 * the unsigned-varint-length-prefixed {@code CanonicalVote} (precommit, height, round, block id,
 * the signature's timestamp, chain id) — verified with BouncyCastle (RFC 8032; CometBFT accepts the
 * ZIP-215 superset, which differs only on non-canonical encodings no honest signer produces). A
 * signature that fails verification makes the whole commit invalid.
 *
 * <p>One instance verifies one commit: it remembers which signatures it already verified, so the
 * trusting check and the 2/3 check of a non-adjacent step do not verify the same signature twice.
 */
final class CommitVerifier {
  /** Thrown for a commit that is invalid (not merely under-signed). */
  static final class InvalidCommitException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidCommitException(String message) {
      super(message);
    }
  }

  private final String chainId;
  private final Commit commit;
  private final Set<Integer> verified = new HashSet<>();

  /** The commit's sign-bytes template, made on the first signature checked. */
  private VoteSignBytes.Precommits precommits;

  CommitVerifier(String chainId, Commit commit) {
    this.chainId = chainId;
    this.commit = commit;
  }

  /**
   * The signing power of {@code vals} (the set that signed this height, signatures matched by
   * index) if it exceeds 2/3 of their total.
   *
   * @return the tallied power, which is &gt; 2/3, or -1 if the commit is under-signed
   */
  long verifyLight(ValidatorSet vals) throws InvalidCommitException {
    if (commit.getSignaturesCount() != vals.size()) {
      throw new InvalidCommitException(
          "commit has "
              + commit.getSignaturesCount()
              + " signatures for a validator set of "
              + vals.size());
    }
    // Total power is capped at int64 max / 8 (ValidatorSet), so this cannot overflow.
    long needed = vals.totalVotingPower() * 2 / 3;
    long tallied = 0;
    for (int i = 0; i < commit.getSignaturesCount(); i++) {
      CommitSig sig = commit.getSignatures(i);
      if (sig.getBlockIdFlag() != BlockIDFlag.BLOCK_ID_FLAG_COMMIT) {
        continue;
      }
      Validator val = vals.validators().get(i);
      if (!val.hasAddress(sig.getValidatorAddress().toByteArray())) {
        throw new InvalidCommitException(
            "signature "
                + i
                + " names validator "
                + LightJson.hex(sig.getValidatorAddress().toByteArray())
                + " but validator "
                + i
                + " of the set is "
                + val.addressHex());
      }
      check(i, sig, val, vals.publicPoint(i));
      tallied += val.votingPower();
      if (tallied > needed) {
        return tallied;
      }
    }
    return -1;
  }

  /**
   * How much of a trusted set's power signed a commit, against what the trust level needs.
   *
   * @param signed the tallied power (when {@link #enough()}, tallying stopped once it was)
   * @param needed the power the signers must exceed ({@code level} of {@code total}, rounded down)
   * @param total the trusted set's total power
   */
  record TrustTally(long signed, long needed, long total) {
    boolean enough() {
      return signed > needed;
    }
  }

  /**
   * The power of {@code trusted} validators (looked up by address) that signed, and whether it
   * exceeds {@code level} of their total.
   */
  TrustTally verifyLightTrusting(ValidatorSet trusted, TrustLevel level)
      throws InvalidCommitException {
    long needed =
        Math.multiplyExact(trusted.totalVotingPower(), level.numerator()) / level.denominator();
    long tallied = 0;
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < commit.getSignaturesCount(); i++) {
      CommitSig sig = commit.getSignatures(i);
      if (sig.getBlockIdFlag() != BlockIDFlag.BLOCK_ID_FLAG_COMMIT) {
        continue;
      }
      Validator val = trusted.byAddress(sig.getValidatorAddress().toByteArray());
      if (val == null) {
        continue;
      }
      int index = trusted.indexOf(val);
      if (!seen.add(index)) {
        throw new InvalidCommitException(
            "validator " + val.addressHex() + " signed the commit twice");
      }
      check(i, sig, val, trusted.publicPoint(index));
      tallied += val.votingPower();
      if (tallied > needed) {
        return new TrustTally(tallied, needed, trusted.totalVotingPower());
      }
    }
    return new TrustTally(tallied, needed, trusted.totalVotingPower());
  }

  private void check(int index, CommitSig sig, Validator val, Ed25519.PublicPoint key)
      throws InvalidCommitException {
    if (verified.contains(index)) {
      return;
    }
    byte[] signature = sig.getSignature().toByteArray();
    if (signature.length != Ed25519.SIGNATURE_SIZE) {
      throw new InvalidCommitException(
          "signature "
              + index
              + " of "
              + val.addressHex()
              + " is "
              + signature.length
              + " bytes, not 64");
    }
    if (key == null) {
      throw new InvalidCommitException(
          "validator " + val.addressHex() + " has an invalid Ed25519 public key");
    }
    byte[] message = signBytes(sig);
    if (!Ed25519.verify(signature, 0, key, message, 0, message.length)) {
      throw new InvalidCommitException(
          "signature " + index + " of validator " + val.addressHex() + " does not verify");
    }
    verified.add(index);
  }

  /** The bytes a validator signed for its precommit in this commit. */
  byte[] signBytes(CommitSig sig) {
    if (precommits == null) {
      precommits =
          new VoteSignBytes.Precommits(
              chainId, commit.getHeight(), commit.getRound(), commit.getBlockId());
    }
    return precommits.signBytes(sig.getTimestamp());
  }
}
