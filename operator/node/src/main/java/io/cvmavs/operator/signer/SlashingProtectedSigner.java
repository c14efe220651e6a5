package io.cvmavs.operator.signer;

import io.cvmavs.crypto.bn254.G1Point;
import java.util.Objects;
import java.util.Optional;

/**
 * Wraps any {@link AttestationSigner} with slashing protection: asks {@link SigningDecision} about
 * the store's record, persists a new record durably, and only then lets the delegate sign. A
 * conflicting request throws and never reaches the delegate. Calls are serialised, so two
 * concurrent conflicting requests cannot both pass.
 */
public final class SlashingProtectedSigner implements AttestationSigner {
  private final AttestationSigner delegate;
  private final SlashingProtectionStore store;

  public SlashingProtectedSigner(AttestationSigner delegate, SlashingProtectionStore store) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public String operatorId() {
    return delegate.operatorId();
  }

  @Override
  public synchronized G1Point sign(AttestationRequest request) {
    Optional<SignedAttestation> previous = store.find(operatorId(), request);
    switch (SigningDecision.decide(previous, request)) {
      case SIGN_NEW -> store.record(new SignedAttestation(operatorId(), request));
      case SIGN_REPEAT -> {
        // Same response as before: the earlier record covers it.
      }
      case REFUSE_CONFLICT ->
          throw new SlashingProtectionException(
              "refusing to sign "
                  + request
                  + ": operator "
                  + operatorId()
                  + " already signed response "
                  + previous.orElseThrow().request().responseDigestHex()
                  + " for this task (a second, different signature would be slashable equivocation)");
    }
    return delegate.sign(request);
  }
}
