package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.LivenessSla;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: an operator that misses responses is warned (by the SLA {@code operator status} prints,
 * read from the task manager's published liveness views) one miss before it becomes ejectable. Real
 * BLS responses through the aggregator on anvil; operator 3 never signs.
 */
@WithAnvil
class LivenessWarningIT {
  @TempDir Path dir;

  @Test
  void theMissingOperatorIsWarnedBeforeItIsEjectable(AnvilNode anvil) throws Exception {
    try (MonitorFixture chain = new MonitorFixture(anvil, dir)) {
      int max = chain.reader.config().maxMissedResponses();
      assertThat(max).isEqualTo(3);
      for (int miss = 1; miss <= max; miss++) {
        CvmTask task = chain.createTask(miss);
        chain.respond(task, 0, 1);
        LivenessSla missing = sla(chain, 2);
        LivenessSla honest = sla(chain, 0);
        assertThat(honest.currentStreak()).isZero();
        assertThat(honest.warning()).isFalse();
        assertThat(missing.currentStreak()).as("after miss %d", miss).isEqualTo(miss);
        assertThat(missing.ejectable()).as("after miss %d", miss).isEqualTo(miss == max);
        assertThat(missing.warning()).as("after miss %d", miss).isEqualTo(miss == max - 1);
      }
      assertThat(sla(chain, 2).summary()).isEqualTo("ejectable: missed 3 responses in a row");
    }
  }

  private static LivenessSla sla(MonitorFixture chain, int operator) {
    return LivenessSla.of(
        chain.reader.liveness(chain.keys.get(operator).operatorId()),
        chain.reader.config().maxMissedResponses(),
        chain.reader.responseCount());
  }
}
