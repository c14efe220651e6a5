package io.cvmavs.consensus.light;

import com.google.protobuf.ByteString;
import io.cvmavs.consensus.proto.crypto.PublicKey;
import io.cvmavs.consensus.proto.types.SimpleValidator;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A CometBFT validator with an Ed25519 consensus key.
 *
 * @param address first 20 bytes of SHA-256 of the public key
 * @param publicKey 32-byte Ed25519 public key
 * @param votingPower positive voting power
 */
public record Validator(byte[] address, byte[] publicKey, long votingPower) {
  public Validator {
    address = address.clone();
    publicKey = publicKey.clone();
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The address CometBFT derives from an Ed25519 key: SHA-256(key)[0..20). */
  public static byte[] addressOf(byte[] ed25519PublicKey) {
    return Arrays.copyOf(Merkle.sha256().digest(ed25519PublicKey), 20);
  }

  /** The validator-set hash leaf: protobuf {@code SimpleValidator{pub_key, voting_power}}. */
  byte[] hashLeaf() {
    return SimpleValidator.newBuilder()
        .setPubKey(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(publicKey)))
        .setVotingPower(votingPower)
        .build()
        .toByteArray();
  }

  boolean hasAddress(byte[] other) {
    return Arrays.equals(address, other);
  }

  String addressHex() {
    return HexFormat.of().withUpperCase().formatHex(address);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Validator v
        && Arrays.equals(address, v.address)
        && Arrays.equals(publicKey, v.publicKey)
        && votingPower == v.votingPower;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(address) * 31 + Long.hashCode(votingPower);
  }

  @Override
  public String toString() {
    return "Validator[" + addressHex() + ", power " + votingPower + "]";
  }
}
