package io.cvmavs.operator.keys;

import io.cvmavs.crypto.keystore.PasswordSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The password of a keystore about to be written ({@code keys create}, {@code keys import}): from
 * the key type's environment variable, else asked twice on the console; shorter than {@link
 * KeyType#MIN_PASSWORD_LENGTH} characters is refused either way.
 */
final class NewKeystorePassword {
  private NewKeystorePassword() {}

  static char[] obtain(
      CommandLine commandLine,
      Function<String, String> environment,
      PasswordSource prompt,
      KeyType type,
      Path out) {
    String fromEnv = environment.apply(type.passwordEnv());
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return checked(commandLine, fromEnv.toCharArray(), type.passwordEnv());
    }
    char[] first = prompt.password("new " + type.name() + " keystore " + out);
    char[] second = prompt.password("new " + type.name() + " keystore " + out + " (again)");
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
