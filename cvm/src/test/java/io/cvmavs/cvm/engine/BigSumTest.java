package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, why 7: summing uint256 amounts needed a manual cast that overflows. {@code BIG_SUM} on
 * the embedded cluster, checked against BigInteger sums of the same run's transfers.
 */
class BigSumTest {
  @Test
  void sumsUint256AmountsExactlyPerGroup() {
    String decode = ManuscriptRunnerTest.DECODE;
    String yaml =
        decode.substring(0, decode.indexOf("sinks:"))
            + """
              - name: totals
                sql: >
                  SELECT SUBSTRING(to_address, 1, 3) AS prefix, BIG_SUM(amount) AS total,
                         COUNT(*) AS transfers
                  FROM transfers GROUP BY SUBSTRING(to_address, 1, 3)
            sinks:
              - name: attested
                type: dataset
                from: transfers
                primary_key: transaction_hash,log_index
              - name: sums
                type: dataset
                from: totals
                primary_key: prefix
            """;
    Manuscript m = ManuscriptRunnerTest.parse(yaml);
    RunResult run = ManuscriptRunnerTest.RUNNER.run(m, RunOptions.range(0, 39).withParallelism(2));
    CanonicalDataset transfers = run.datasets().get("attested");
    Map<String, BigInteger> expected = new TreeMap<>();
    int to = transfers.columns().indexOf("to_address");
    int amount = transfers.columns().indexOf("amount");
    for (int i = 0; i < transfers.size(); i++) {
      Object[] row = transfers.row(i);
      expected.merge(
          ((String) row[to]).substring(0, 3),
          new BigInteger((String) row[amount]),
          BigInteger::add);
    }
    assertThat(expected.values()).anyMatch(v -> v.bitLength() > 128); // beyond DECIMAL(38)
    CanonicalDataset sums = run.datasets().get("sums");
    Map<String, BigInteger> actual = new TreeMap<>();
    for (int i = 0; i < sums.size(); i++) {
      Object[] row = sums.row(i);
      actual.put((String) row[0], new BigInteger((String) row[1]));
    }
    assertThat(actual).isEqualTo(expected);
  }
}
