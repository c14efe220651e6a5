package io.cvmavs.crypto.keystore;

import java.io.Console;
import java.util.function.Function;

/**
 * Where a keystore password comes from: an environment variable, else an interactive prompt.
 * Implementations never log or print the password; callers should wipe the returned array after
 * use.
 */
@FunctionalInterface
public interface PasswordSource {
  /** Environment variable holding the BLS keystore password. */
  String BLS_ENV = "OPERATOR_BLS_KEY_PASSWORD";

  /** Environment variable holding the ECDSA keystore password. */
  String ECDSA_ENV = "OPERATOR_ECDSA_KEY_PASSWORD";

  /**
   * The password for the keystore described by {@code what} (e.g. a path), as a fresh array.
   *
   * @throws KeystoreException if no password is available
   */
  char[] password(String what);

  /** {@code envVar} from the process environment if set, else a prompt on the terminal. */
  static PasswordSource envOrConsole(String envVar) {
    return envOrPrompt(envVar, System::getenv, console());
  }

  /** {@code envVar} looked up in {@code env} if set (and non-empty), else {@code prompt}. */
  static PasswordSource envOrPrompt(
      String envVar, Function<String, String> env, PasswordSource prompt) {
    return what -> {
      String v = env.apply(envVar);
      if (v != null && !v.isEmpty()) {
        return v.toCharArray();
      }
      try {
        return prompt.password(what);
      } catch (KeystoreException e) {
        throw new KeystoreException(
            "no password for " + what + ": set " + envVar + " or " + e.getMessage(), e);
      }
    };
  }

  /** Reads the password from the terminal without echo. */
  static PasswordSource console() {
    return what -> {
      Console c = System.console();
      if (c == null) {
        throw new KeystoreException("run in an interactive terminal to be prompted");
      }
      char[] pw = c.readPassword("Password for %s: ", what);
      if (pw == null) {
        throw new KeystoreException("end of input while reading the password");
      }
      return pw;
    };
  }
}
