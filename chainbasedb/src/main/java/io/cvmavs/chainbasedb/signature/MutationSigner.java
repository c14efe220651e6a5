package io.cvmavs.chainbasedb.signature;

import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import org.web3j.crypto.ECKeyPair;

/** Signs mutations with one key of one payment chain (clients, tests, benchmarks). */
public interface MutationSigner {
  String chain();

  Identity identity();

  /** Signs the mutation's signing root; returns the mutation with its signature fields set. */
  Mutation sign(Mutation unsigned);

  default Mutation sign(long chainId, long nonce, Payload payload) {
    return sign(Mutation.unsigned(chainId, chain(), nonce, payload));
  }

  static MutationSigner eth(ECKeyPair key) {
    Identity id = EthPersonalSign.identityOf(key);
    return new MutationSigner() {
      @Override
      public String chain() {
        return "eth";
      }

      @Override
      public Identity identity() {
        return id;
      }

      @Override
      public Mutation sign(Mutation m) {
        return m.withSignature(EthPersonalSign.sign(key, m.signingRoot()), null);
      }
    };
  }

  static MutationSigner near(byte[] seed) {
    byte[] s = seed.clone();
    byte[] pub = Ed25519Scheme.publicKey(s);
    Identity id = Identity.user("near", java.util.HexFormat.of().formatHex(pub));
    return new MutationSigner() {
      @Override
      public String chain() {
        return "near";
      }

      @Override
      public Identity identity() {
        return id;
      }

      @Override
      public Mutation sign(Mutation m) {
        return m.withSignature(Ed25519Scheme.sign(s, m.signingRoot()), pub);
      }
    };
  }
}
