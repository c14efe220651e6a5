package io.cvmavs.operator;

import io.cvmavs.archrules.PackageCycles;
import org.junit.jupiter.api.Test;

/** No package cycles between this module's feature packages (arch-rules, STYLE.md 1-2). */
class PackageCyclesTest {
  @Test
  void featurePackagesHaveNoCycles() {
    PackageCycles.checkMainClasses("io.cvmavs.operator");
  }
}
