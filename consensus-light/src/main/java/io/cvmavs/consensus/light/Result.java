package io.cvmavs.consensus.light;

/** A verdict and the reason for it (for SUCCESS, what was checked). */
public record Result(Verdict verdict, String reason) {
  static Result success(String reason) {
    return new Result(Verdict.SUCCESS, reason);
  }

  static Result invalid(String reason) {
    return new Result(Verdict.INVALID, reason);
  }

  static Result notEnoughTrust(String reason) {
    return new Result(Verdict.NOT_ENOUGH_TRUST, reason);
  }
}
