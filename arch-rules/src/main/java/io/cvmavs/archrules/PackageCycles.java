package io.cvmavs.archrules;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one architecture rule every module checks: <b>no package cycles</b> between the feature
 * packages of a module.
 *
 * <p>A module's classes live under its base package ({@code io.cvmavs.operator}, {@code
 * io.cvmavs.stake}, …). Each package directly under the base package is one feature slice, together
 * with all its subpackages; classes in the base package itself form one more slice, {@code (base)}.
 * The rule fails when any slice depends on another that depends back on it, directly or through
 * others, and lists every cycle with the class-level dependencies that close it.
 *
 * <p>Dependencies are read from bytecode, so a {@code static final} primitive or string constant
 * that javac inlined is not seen; everything else is (imports, calls, fields, signatures,
 * annotations and their class parameters).
 *
 * <p>Each module's {@code PackageCyclesTest} is one line: {@code
 * PackageCycles.checkMainClasses("io.cvmavs.crypto")}.
 */
public final class PackageCycles {
  /** Name of the slice that holds the classes of the base package itself. */
  public static final String BASE_SLICE = "(base)";

  private PackageCycles() {}

  /** The rule for the feature packages under {@code basePackage}. */
  public static ArchRule rule(String basePackage) {
    return slices()
        .assignedFrom(featureSlices(basePackage))
        .should()
        .beFreeOfCycles()
        .because(
            "packages of a module depend one way (STYLE.md 1-2): a feature package that needs"
                + " something from a package depending on it takes a narrow interface or moves"
                + " the shared type down");
  }

  /**
   * How classes are sliced: {@code basePackage.x} and {@code basePackage.x.*} are slice {@code x};
   * {@code basePackage} itself is {@link #BASE_SLICE}; classes outside {@code basePackage} are not
   * part of any slice.
   */
  public static SliceAssignment featureSlices(String basePackage) {
    String prefix = basePackage + ".";
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String pkg = javaClass.getPackageName();
        if (pkg.equals(basePackage)) {
          return SliceIdentifier.of(BASE_SLICE);
        }
        if (!pkg.startsWith(prefix)) {
          return SliceIdentifier.ignore();
        }
        String rest = pkg.substring(prefix.length());
        int dot = rest.indexOf('.');
        return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
      }

      @Override
      public String getDescription() {
        return "feature packages under " + basePackage;
      }
    };
  }

  /**
   * The main (non-test) classes under {@code basePackage} that the build of the current module
   * compiled, read from {@code target/classes} of the working directory (surefire runs in the
   * module's folder).
   *
   * @throws IllegalStateException when that folder is missing or holds no class of {@code
   *     basePackage} (a rule over no classes would pass without checking anything)
   */
  public static JavaClasses mainClasses(String basePackage) {
    Path classes = Path.of("target", "classes").toAbsolutePath();
    Path packageDir = classes.resolve(basePackage.replace('.', '/'));
    if (!Files.isDirectory(packageDir)) {
      throw new IllegalStateException(
          "no compiled classes of package "
              + basePackage
              + " in "
              + packageDir
              + ": run the check from the module's folder after compiling it");
    }
    JavaClasses imported =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(classes);
    JavaClasses under = imported.that(JavaClass.Predicates.resideInAPackage(basePackage + ".."));
    if (under.isEmpty()) {
      throw new IllegalStateException("no classes of package " + basePackage + " in " + classes);
    }
    return under;
  }

  /** Checks the rule on the current module's main classes; fails listing every cycle found. */
  public static void checkMainClasses(String basePackage) {
    rule(basePackage).check(mainClasses(basePackage));
  }
}
