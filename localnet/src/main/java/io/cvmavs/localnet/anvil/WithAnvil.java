package io.cvmavs.localnet.anvil;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one real anvil per test class and injects it as an {@link AnvilNode} parameter (into
 * constructors, lifecycle methods and tests). anvil is stopped after the class, whether its tests
 * passed or failed.
 *
 * <pre>{@code
 * @WithAnvil(blockTimeMillis = 1000)
 * class MyIT {
 *   @Test void deploys(AnvilNode anvil) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(AnvilExtension.class)
public @interface WithAnvil {
  /** 0 = automine (one block per transaction); otherwise interval mining. */
  long blockTimeMillis() default 0;

  /** Number of funded dev accounts. */
  int accounts() default 10;
}
