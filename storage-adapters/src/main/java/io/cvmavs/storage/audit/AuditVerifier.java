package io.cvmavs.storage.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an answer against its challenge: every challenged index answered exactly once, each chunk
 * of the length the file size fixes, each path leading to the audit root with the right index and
 * chunk count. A missing, short or altered chunk fails the audit and is named.
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /** The outcome: passed, or the reasons per failed index. */
  public record Outcome(boolean passed, List<String> failures) {}

  public static Outcome verify(AuditChallenge challenge, AuditAnswer answer) {
    List<String> failures = new ArrayList<>();
    Map<Integer, AuditAnswer.Item> byIndex = new HashMap<>();
    for (AuditAnswer.Item item : answer.items()) {
      if (!challenge.indices().contains(item.index())) {
        failures.add("chunk " + item.index() + " was not challenged");
      } else if (byIndex.put(item.index(), item) != null) {
        failures.add("chunk " + item.index() + " answered twice");
      }
    }
    int n = challenge.chunkCount();
    for (int index : challenge.indices()) {
      AuditAnswer.Item item = byIndex.get(index);
      if (item == null) {
        failures.add("chunk " + index + " missing");
        continue;
      }
      byte[] chunk = item.chunk();
      if (chunk.length != challenge.chunkLength(index)) {
        failures.add(
            "chunk "
                + index
                + " has "
                + chunk.length
                + " bytes, not "
                + challenge.chunkLength(index));
        continue;
      }
      if (item.proof().leafIndex() != index || item.proof().leafCount() != n) {
        failures.add(
            "chunk "
                + index
                + " has a path for leaf "
                + item.proof().leafIndex()
                + " of "
                + item.proof().leafCount()
                + ", not "
                + index
                + " of "
                + n);
        continue;
      }
      if (!item.proof().verifyRecord(challenge.auditRoot(), chunk)) {
        failures.add("chunk " + index + " does not hash up to the audit root (wrong content)");
      }
    }
    return new Outcome(failures.isEmpty(), failures);
  }
}
