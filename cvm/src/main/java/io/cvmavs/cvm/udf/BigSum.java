package io.cvmavs.cvm.udf;

import java.math.BigDecimal;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code BIG_SUM(amount)}: the exact sum of decimal strings (uint256 token amounts overflow {@code
 * DECIMAL(38)}, so {@code SUM(CAST(amount AS DECIMAL(38)))} fails or rounds), as canonical decimal
 * text. NULLs are skipped; the sum of no values is NULL (as SQL's {@code SUM}). Addition is exact
 * and associative, so the result does not depend on the order rows arrive in: usable in attested
 * datasets. A value that is not a decimal number fails the job, naming the function.
 */
public final class BigSum extends AggregateFunction<String, BigSum.Acc> {
  /** The running sum as text (a Flink structured type: public fields, no BigDecimal precision). */
  public static final class Acc {
    public String sum = "0";
    public long count;
  }

  @Override
  public Acc createAccumulator() {
    return new Acc();
  }

  public void accumulate(Acc acc, String value) {
    if (value != null) {
      acc.sum = new BigDecimal(acc.sum).add(BigNumbers.parse(value, "BIG_SUM")).toPlainString();
      acc.count++;
    }
  }

  public void retract(Acc acc, String value) {
    if (value != null) {
      acc.sum =
          new BigDecimal(acc.sum).subtract(BigNumbers.parse(value, "BIG_SUM")).toPlainString();
      acc.count--;
    }
  }

  public void merge(Acc acc, Iterable<Acc> others) {
    BigDecimal sum = new BigDecimal(acc.sum);
    for (Acc o : others) {
      sum = sum.add(new BigDecimal(o.sum));
      acc.count += o.count;
    }
    acc.sum = sum.toPlainString();
  }

  @Override
  public String getValue(Acc acc) {
    return acc.count == 0 ? null : BigNumbers.text(new BigDecimal(acc.sum));
  }
}
