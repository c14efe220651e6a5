package io.cvmavs.operator.keys;

import io.cvmavs.crypto.keystore.PasswordSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The password of a keystore about to be written ({@code keys create}, {@code keys import}, {@code
 * storage import-arweave-key}): from the key type's environment variable, else asked twice on the
 * console; shorter than {@link KeyType#MIN_PASSWORD_LENGTH} characters is refused either way.
 */
public final class NewKeystorePassword {
  private NewKeystorePassword() {}

  static char[] obtain(
      CommandLine commandLine,
      Function<String, String> environment,
      PasswordSource prompt,
      KeyType type,
      Path out) {
    return obtain(commandLine, environment, prompt, type.passwordEnv(), type.name(), out);
  }

  /**
   * As for an operator key, for another kind of keystore (an Arweave JWK keystore).
   *
   * @param passwordEnv the environment variable holding the password
   * @param kind the keystore's kind in the prompt ({@code "new <kind> keystore <out>"})
   */
  public static char[] obtain(
      CommandLine commandLine,
      Function<String, String> environment,
      PasswordSource prompt,
      String passwordEnv,
      String kind,
      Path out) {
    String fromEnv = environment.apply(passwordEnv);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return checked(commandLine, fromEnv.toCharArray(), passwordEnv);
    }
    char[] first = prompt.password("new " + kind + " keystore " + out);
    char[] second = prompt.password("new " + kind + " keystore " + out + " (again)");
    try {
      if (!Arrays.equals(first, second)) {
        Arrays.fill(first, '\0');
        throw new CommandLine.ParameterException(commandLine, "the two passwords differ");
      }
      return checked(commandLine, first, "the password");
    } finally {
      Arrays.fill(second, '\0');
    }
  }

  private static char[] checked(CommandLine commandLine, char[] password, String source) {
    if (password.length < KeyType.MIN_PASSWORD_LENGTH) {
      int length = password.length;
      Arrays.fill(password, '\0');
      throw new CommandLine.ParameterException(
          commandLine,
          source
              + " is "
              + length
              + " characters; a keystore password must have at least "
              + KeyType.MIN_PASSWORD_LENGTH);
    }
    return password;
  }
}
