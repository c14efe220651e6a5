package io.cvmavs.archrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.cvmavs.archrules.fixture.nested.a.deep.X;
import io.cvmavs.archrules.fixture.oneway.a.A;
import org.junit.jupiter.api.Test;

/** The rule itself, on fixture packages in this module's test sources; and on its own classes. */
class PackageCyclesTest {
  private static final String FIXTURE = "io.cvmavs.archrules.fixture";

  private static EvaluationResult evaluate(String base) {
    JavaClasses classes = new ClassFileImporter().importPackages(base);
    assertThat(classes).as("fixture classes of %s", base).isNotEmpty();
    return PackageCycles.rule(base).evaluate(classes);
  }

  @Test
  void aDirectCycleBetweenTwoFeaturePackagesFailsAndNamesBoth() {
    EvaluationResult result = evaluate(FIXTURE + ".twoway");

    assertThat(result.hasViolation()).isTrue();
    String report = String.join("\n", result.getFailureReport().getDetails());
    assertThat(report).contains("Cycle detected: Slice a -> ", "Slice b -> ", "Slice a");
    assertThat(report).contains("twoway.a.A", "twoway.b.B");
  }

  @Test
  void aCycleThroughTheBasePackageFails() {
    EvaluationResult result = evaluate(FIXTURE + ".viabase");

    assertThat(result.hasViolation()).isTrue();
    assertThat(String.join("\n", result.getFailureReport().getDetails()))
        .contains("Slice " + PackageCycles.BASE_SLICE, "Slice a");
  }

  @Test
  void subpackagesBelongToTheirFeaturePackage() {
    EvaluationResult result = evaluate(FIXTURE + ".nested");

    assertThat(result.hasViolation()).isTrue();
    assertThat(String.join("\n", result.getFailureReport().getDetails()))
        .contains(X.class.getName(), "nested.b.Y");
  }

  @Test
  void dependenciesOneWayPass() {
    assertThat(A.class).isNotNull();
    assertThat(evaluate(FIXTURE + ".oneway").hasViolation()).isFalse();
  }

  @Test
  void slicesAreTheFirstPackageUnderTheBaseAndIgnoreOtherPackages() {
    JavaClasses classes = new ClassFileImporter().importPackages(FIXTURE, "java.lang");
    var slices = PackageCycles.featureSlices(FIXTURE + ".nested");

    assertThat(slices.getIdentifierOf(classes.get(X.class))).isEqualTo(SliceIdentifier.of("a"));
    assertThat(slices.getIdentifierOf(classes.get(Object.class)))
        .isEqualTo(SliceIdentifier.ignore());
    assertThat(
            PackageCycles.featureSlices(FIXTURE + ".viabase")
                .getIdentifierOf(classes.get(io.cvmavs.archrules.fixture.viabase.Root.class)))
        .isEqualTo(SliceIdentifier.of(PackageCycles.BASE_SLICE));
  }

  @Test
  void aBasePackageWithoutCompiledClassesIsAnErrorNotAPass() {
    assertThatThrownBy(() -> PackageCycles.mainClasses("io.cvmavs.nosuchmodule"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io.cvmavs.nosuchmodule")
        .hasMessageContaining("target");
  }

  @Test
  void thisModuleHasNoPackageCycles() {
    PackageCycles.checkMainClasses("io.cvmavs.archrules");
  }
}
