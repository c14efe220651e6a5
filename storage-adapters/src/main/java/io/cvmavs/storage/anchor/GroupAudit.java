package io.cvmavs.storage.anchor;

import io.cvmavs.storage.audit.AuditAnswer;
import io.cvmavs.storage.audit.AuditChallenge;
import io.cvmavs.storage.audit.AuditVerifier;
import io.cvmavs.storage.backend.StorageBackend;
import java.util.List;
import java.util.Optional;

/**
 * One retrieval-proof audit of an anchored group (docs/STORAGE.md "Audits"): the challenge comes
 * from a public seed and the group's anchored audit root; the holder answers from what it serves
 * (here: a backend, by the group's locator on it); the answer is verified chunk by chunk. A holder
 * without the group answers nothing, and every challenged chunk is reported missing.
 */
public final class GroupAudit {
  private GroupAudit() {}

  /** The challenge drawn over the anchored file size, and the verified answer. */
  public record Result(
      AnchoredGroup group, String holder, AuditChallenge challenge, AuditVerifier.Outcome outcome) {
    public boolean passed() {
      return outcome.passed();
    }
  }

  public static Result run(StorageBackend holder, AnchoredGroup group, byte[] seed) {
    AuditChallenge challenge = AuditChallenge.of(seed, group.auditRoot(), group.fileSize());
    Optional<String> locator = group.locatorOn(holder.name());
    Optional<byte[]> file = locator.isEmpty() ? Optional.empty() : holder.get(locator.get());
    AuditAnswer answer =
        file.map(f -> AuditAnswer.prove(challenge, f)).orElse(new AuditAnswer(List.of()));
    return new Result(group, holder.name(), challenge, AuditVerifier.verify(challenge, answer));
  }
}
