package io.cvmavs.operator.registration;

/** The outcome of one registration step. */
public record RegistrationStep(String name, Status status, String detail) {
  public enum Status {
    DONE,
    SKIPPED
  }

  @Override
  public String toString() {
    return (status == Status.DONE ? "done     " : "skipped  ") + name + ": " + detail;
  }
}
