package io.cvmavs.cvm.udf;

import io.cvmavs.cvm.proof.CanonicalEncoding;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * Exact arithmetic on decimal strings (token amounts overflow DECIMAL(38)): {@code Add}, {@code
 * Subtract}, {@code Multiply}, {@code Divide}, {@code Pow}. Results are plain decimal strings
 * without trailing zeros (the canonical decimal text); NULL in, NULL out. {@code Divide} rounds
 * half-even to 34 significant digits; division by zero fails the job, naming the function.
 */
public final class BigNumbers {
  private BigNumbers() {}

  static BigDecimal parse(String s, String function) {
    try {
      return new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      throw new UdfException(function + ": '" + s + "' is not a decimal number");
    }
  }

  static String text(BigDecimal d) {
    return CanonicalEncoding.canonicalDecimal(d);
  }

  /** {@code Add(a, b)}. */
  public static class Add extends ScalarFunction {
    public String eval(String a, String b) {
      return a == null || b == null ? null : text(parse(a, "Add").add(parse(b, "Add")));
    }
  }

  /** {@code Subtract(a, b)} = a − b. */
  public static class Subtract extends ScalarFunction {
    public String eval(String a, String b) {
      return a == null || b == null
          ? null
          : text(parse(a, "Subtract").subtract(parse(b, "Subtract")));
    }
  }

  /** {@code Multiply(a, b)}. */
  public static class Multiply extends ScalarFunction {
    public String eval(String a, String b) {
      return a == null || b == null
          ? null
          : text(parse(a, "Multiply").multiply(parse(b, "Multiply")));
    }
  }

  /** {@code Divide(a, b)} = a / b, 34 significant digits, half-even. */
  public static class Divide extends ScalarFunction {
    public String eval(String a, String b) {
      if (a == null || b == null) {
        return null;
      }
      BigDecimal divisor = parse(b, "Divide");
      if (divisor.signum() == 0) {
        throw new UdfException("Divide: division of " + a + " by zero");
      }
      return text(parse(a, "Divide").divide(divisor, new MathContext(34, RoundingMode.HALF_EVEN)));
    }
  }

  /** {@code Pow(a, n)} = aⁿ for an integer exponent 0 ≤ n ≤ 999 (e.g. {@code Pow('10', '18')}). */
  public static class Pow extends ScalarFunction {
    public String eval(String a, String n) {
      if (a == null || n == null) {
        return null;
      }
      int exponent;
      try {
        exponent = Integer.parseInt(n.trim());
      } catch (NumberFormatException e) {
        throw new UdfException("Pow: exponent '" + n + "' is not an integer");
      }
      if (exponent < 0 || exponent > 999) {
        throw new UdfException("Pow: exponent " + exponent + " is outside 0..999");
      }
      return text(parse(a, "Pow").pow(exponent));
    }

    public String eval(String a, Integer n) {
      return n == null ? null : eval(a, n.toString());
    }
  }
}
