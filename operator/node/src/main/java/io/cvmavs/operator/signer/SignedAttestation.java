package io.cvmavs.operator.signer;

import java.util.Objects;

/** A signature an operator key has given (or is about to give): who signed what. */
public record SignedAttestation(String operatorId, AttestationRequest request) {
  public SignedAttestation {
    Objects.requireNonNull(request, "request");
    if (operatorId == null || !operatorId.matches("0x[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "operator id must be 0x + 64 lower-case hex digits, got " + operatorId);
    }
  }
}
