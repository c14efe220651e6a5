package io.cvmavs.localnet.anvil;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevAccountTest {
  @Test
  void derivesAnvilsPublishedFirstAccountsFromTheTestMnemonic() {
    List<DevAccount> accounts = DevAccount.derive(DevAccount.DEFAULT_MNEMONIC, 2);
    // anvil's and Hardhat's documented default accounts 0 and 1.
    assertThat(accounts.get(0).address())
        .isEqualToIgnoringCase("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assertThat(accounts.get(1).address())
        .isEqualToIgnoringCase("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    assertThat(accounts.get(0).privateKeyHex()).hasSize(66).startsWith("0x");
  }
}
