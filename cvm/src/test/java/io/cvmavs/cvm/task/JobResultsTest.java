package io.cvmavs.cvm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobResultsTest {
  private static final byte[] MANUSCRIPT = new byte[32];

  private static SourceCommitment source(long from, long to, long... blockNumbers) {
    List<Object[]> blocks =
        java.util.Arrays.stream(blockNumbers)
            .mapToObj(
                n -> {
                  Object[] row = new Object[ChainTable.BLOCKS.columnNames().size()];
                  row[0] = n;
                  return row;
                })
            .toList();
    return SourceCommitment.of("eth", from, to, Map.of(ChainTable.BLOCKS, blocks));
  }

  private static Map<String, CanonicalDataset> datasets(String... names) {
    Map<String, CanonicalDataset> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(
          n, CanonicalDataset.of(List.of("a"), List.of("a"), List.<Object[]>of(new Object[] {n})));
    }
    return out;
  }

  @Test
  void aResultIsTakenOnlyForTheSameManuscriptRangeAndSourceRoot() {
    JobResults results = new JobResults(4);
    SourceCommitment s = source(10, 12, 10, 11, 12);
    JobResults.Key key = JobResults.Key.of(MANUSCRIPT, s);
    assertThat(results.take(key)).isEmpty();
    results.put(key, datasets("b", "a"));
    assertThat(results.take(JobResults.Key.of(MANUSCRIPT.clone(), source(10, 12, 10, 11, 12))))
        .hasValueSatisfying(d -> assertThat(d.keySet()).containsExactly("b", "a"));
    // Other rows in the same range (another source root), another range, another manuscript.
    assertThat(results.take(JobResults.Key.of(MANUSCRIPT, source(10, 12, 10, 11)))).isEmpty();
    assertThat(results.take(JobResults.Key.of(MANUSCRIPT, source(10, 13, 10, 11, 12)))).isEmpty();
    byte[] other = MANUSCRIPT.clone();
    other[31] = 1;
    assertThat(results.take(JobResults.Key.of(other, s))).isEmpty();
    assertThat(results.jobs()).isEqualTo(1);
    assertThat(results.reused()).isEqualTo(1);
  }

  @Test
  void keepsTheNewestEntriesAndCannotBeChangedByTheCaller() {
    JobResults results = new JobResults(2);
    JobResults.Key k1 = JobResults.Key.of(MANUSCRIPT, source(1, 1, 1));
    JobResults.Key k2 = JobResults.Key.of(MANUSCRIPT, source(2, 2, 2));
    JobResults.Key k3 = JobResults.Key.of(MANUSCRIPT, source(3, 3, 3));
    Map<String, CanonicalDataset> d = datasets("x");
    results.put(k1, d);
    d.clear(); // the caller's map: the stored entry is a copy
    assertThat(results.take(k1).orElseThrow()).containsOnlyKeys("x");
    results.put(k2, datasets("y"));
    results.put(k3, datasets("z")); // capacity 2: k1, the least recently used, is dropped
    assertThat(results.take(k1)).isEmpty();
    assertThat(results.take(k2)).isPresent();
    assertThat(results.take(k3).orElseThrow()).containsOnlyKeys("z");
    assertThatThrownBy(() -> results.take(k3).orElseThrow().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new JobResults(0)).hasMessageContaining(">= 1");
  }
}
