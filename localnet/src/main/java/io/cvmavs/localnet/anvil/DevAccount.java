package io.cvmavs.localnet.anvil;

import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;

/**
 * One of anvil's funded development accounts. They are derived, like anvil does, from the
 * well-known public test mnemonic along {@code m/44'/60'/0'/0/i}: public, for local chains only.
 */
public record DevAccount(int index, Credentials credentials) {
  /** anvil's default mnemonic (public; never use for anything of value). */
  public static final String DEFAULT_MNEMONIC =
      "test test test test test test test test test test test junk";

  public String address() {
    return credentials.getAddress();
  }

  /** 0x-prefixed 32-byte private key, as forge's {@code --private-key} expects. */
  public String privateKeyHex() {
    return String.format("0x%064x", credentials.getEcKeyPair().getPrivateKey());
  }

  /** Derives the first {@code count} accounts of {@code mnemonic}. */
  public static List<DevAccount> derive(String mnemonic, int count) {
    Bip32ECKeyPair master =
        Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(mnemonic, ""));
    List<DevAccount> accounts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int[] path = {
        44 | Bip32ECKeyPair.HARDENED_BIT,
        60 | Bip32ECKeyPair.HARDENED_BIT,
        Bip32ECKeyPair.HARDENED_BIT,
        0,
        i
      };
      accounts.add(
          new DevAccount(i, Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, path))));
    }
    return List.copyOf(accounts);
  }
}
