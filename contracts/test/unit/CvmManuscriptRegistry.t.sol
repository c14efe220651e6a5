// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmManuscriptRegistry} from "../../src/avs/CvmManuscriptRegistry.sol";
import {
    ICvmManuscriptRegistryErrors,
    ICvmManuscriptRegistryEvents,
    ICvmManuscriptRegistryTypes
} from "../../src/interfaces/avs/ICvmManuscriptRegistry.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Test} from "forge-std/Test.sol";

contract CvmManuscriptRegistry_Base is Test {
    CvmManuscriptRegistry internal registry;
    address internal owner = address(0x0A);
    address internal registrar = address(0x5B);
    address internal stranger = address(0x5C);
    bytes32 internal constant HASH = keccak256("manuscript yaml");
    /// @dev sha256("manuscript yaml"), spelt out: calling the precompile between `vm.prank` and the call would use the prank.
    bytes32 internal constant CONTENT = 0x9b799f59cd0b1c6aae0c9c0c109c14884037517cec056e0dcd2b493d4448b5ea;
    string internal constant LOCATOR = "file:///srv/manuscripts/erc20-volume.yaml";

    function setUp() public virtual {
        registry = new CvmManuscriptRegistry(owner);
        vm.prank(owner);
        registry.setRegistrar(registrar, true);
    }

    function _register(address by, bytes32 h) internal {
        vm.prank(by);
        registry.register(h, CONTENT, LOCATOR);
    }
}

contract CvmManuscriptRegistry_Register is CvmManuscriptRegistry_Base {
    function test_RegistersAndEmits() public {
        vm.roll(42);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ICvmManuscriptRegistryEvents.ManuscriptRegistered(HASH, registrar, CONTENT, LOCATOR);
        _register(registrar, HASH);
        ICvmManuscriptRegistryTypes.Manuscript memory m = registry.manuscriptOf(HASH);
        assertEq(m.contentHash, CONTENT);
        assertEq(m.owner, registrar);
        assertEq(uint8(m.status), uint8(ICvmManuscriptRegistryTypes.Status.Active));
        assertEq(m.registeredBlock, 42);
        assertEq(m.locator, LOCATOR);
        assertTrue(registry.isActive(HASH));
        assertEq(registry.manuscriptCount(), 1);
    }

    function test_OwnerRegistersWithoutBeingARegistrar() public {
        _register(owner, HASH);
        assertEq(registry.manuscriptOf(HASH).owner, owner);
    }

    function test_AcceptsEverySupportedScheme() public {
        string[5] memory ok =
            ["file:///a.yaml", "http://127.0.0.1:8080/m.yaml", "https://x.org/m.yaml", "ipfs://bafy", "ar://abc"];
        for (uint256 i; i < ok.length; ++i) {
            vm.prank(registrar);
            registry.register(keccak256(abi.encode(i)), CONTENT, ok[i]);
        }
        assertEq(registry.manuscriptCount(), 5);
    }

    function test_UnknownIsNone() public view {
        ICvmManuscriptRegistryTypes.Manuscript memory m = registry.manuscriptOf(HASH);
        assertEq(uint8(m.status), uint8(ICvmManuscriptRegistryTypes.Status.None));
        assertEq(m.owner, address(0));
        assertFalse(registry.isActive(HASH));
    }

    function test_Revert_When_NotRegistrar() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.NotRegistrar.selector, stranger));
        _register(stranger, HASH);
    }

    function test_Revert_When_RegistrarRemoved() public {
        vm.prank(owner);
        registry.setRegistrar(registrar, false);
        vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.NotRegistrar.selector, registrar));
        _register(registrar, HASH);
    }

    function test_Revert_When_AlreadyRegistered() public {
        _register(registrar, HASH);
        vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.AlreadyRegistered.selector, HASH));
        _register(owner, HASH);
    }

    function test_Revert_When_ZeroHash() public {
        vm.expectRevert(ICvmManuscriptRegistryErrors.ZeroHash.selector);
        _register(registrar, bytes32(0));
        vm.expectRevert(ICvmManuscriptRegistryErrors.ZeroHash.selector);
        vm.prank(registrar);
        registry.register(HASH, bytes32(0), LOCATOR);
    }

    function test_Revert_When_UnsupportedLocator() public {
        string[5] memory bad = ["", "ftp://x/m.yaml", "file://", "FILE:///a.yaml", "/srv/m.yaml"];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.UnsupportedLocator.selector, bad[i]));
            vm.prank(registrar);
            registry.register(HASH, CONTENT, bad[i]);
        }
    }

    function test_Revert_When_UnsupportedLocator_TooLong() public {
        bytes memory l = bytes.concat("https://", new bytes(registry.MAX_LOCATOR_LENGTH()));
        vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.UnsupportedLocator.selector, string(l)));
        vm.prank(registrar);
        registry.register(HASH, CONTENT, string(l));
    }

    function testFuzz_RegisterRoundTrips(bytes32 h, bytes32 content, string calldata path, uint64 blockNumber) public {
        vm.assume(h != bytes32(0) && content != bytes32(0));
        vm.assume(bytes(path).length > 0 && bytes(path).length <= 1000);
        vm.roll(blockNumber);
        string memory locator = string.concat("ipfs://", path);
        vm.prank(registrar);
        registry.register(h, content, locator);
        ICvmManuscriptRegistryTypes.Manuscript memory m = registry.manuscriptOf(h);
        assertEq(m.contentHash, content);
        assertEq(m.locator, locator);
        assertEq(m.registeredBlock, blockNumber);
        assertEq(registry.manuscriptHashes(0, 10)[0], h);
    }
}

contract CvmManuscriptRegistry_Registrars is CvmManuscriptRegistry_Base {
    function test_SetRegistrarEmits() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit ICvmManuscriptRegistryEvents.RegistrarSet(stranger, true);
        vm.prank(owner);
        registry.setRegistrar(stranger, true);
        assertTrue(registry.isRegistrar(stranger));
    }

    function test_Revert_When_SetRegistrarNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, registrar));
        vm.prank(registrar);
        registry.setRegistrar(stranger, true);
    }

    function test_Revert_When_ZeroAddress() public {
        vm.expectRevert(ICvmManuscriptRegistryErrors.ZeroAddress.selector);
        vm.prank(owner);
        registry.setRegistrar(address(0), true);
    }
}

contract CvmManuscriptRegistry_Status is CvmManuscriptRegistry_Base {
    function setUp() public override {
        super.setUp();
        _register(registrar, HASH);
    }

    function _status() internal view returns (ICvmManuscriptRegistryTypes.Status) {
        return registry.manuscriptOf(HASH).status;
    }

    function test_EntryOwnerDeprecates() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit ICvmManuscriptRegistryEvents.ManuscriptDeprecated(HASH, registrar);
        vm.prank(registrar);
        registry.deprecate(HASH);
        assertEq(uint8(_status()), uint8(ICvmManuscriptRegistryTypes.Status.Deprecated));
        assertFalse(registry.isActive(HASH));
    }

    function test_OwnerRevokesActiveAndDeprecated() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit ICvmManuscriptRegistryEvents.ManuscriptRevoked(HASH, owner, "non-deterministic");
        vm.prank(owner);
        registry.revoke(HASH, "non-deterministic");
        assertEq(uint8(_status()), uint8(ICvmManuscriptRegistryTypes.Status.Revoked));

        bytes32 other = keccak256("other");
        _register(registrar, other);
        vm.prank(registrar);
        registry.deprecate(other);
        vm.prank(owner);
        registry.revoke(other, "");
        assertEq(uint8(registry.manuscriptOf(other).status), uint8(ICvmManuscriptRegistryTypes.Status.Revoked));
    }

    function test_Revert_When_NotManuscriptOwner() public {
        vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.NotManuscriptOwner.selector, HASH, owner));
        vm.prank(owner);
        registry.deprecate(HASH);
    }

    function test_Revert_When_UnknownManuscript() public {
        bytes32 h = keccak256("nope");
        vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.UnknownManuscript.selector, h));
        vm.prank(registrar);
        registry.deprecate(h);
        vm.expectRevert(abi.encodeWithSelector(ICvmManuscriptRegistryErrors.UnknownManuscript.selector, h));
        vm.prank(owner);
        registry.revoke(h, "x");
    }

    function test_Revert_When_InvalidStatus() public {
        vm.prank(registrar);
        registry.deprecate(HASH);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICvmManuscriptRegistryErrors.InvalidStatus.selector, HASH, ICvmManuscriptRegistryTypes.Status.Deprecated
            )
        );
        vm.prank(registrar);
        registry.deprecate(HASH);
        vm.prank(owner);
        registry.revoke(HASH, "x");
        vm.expectRevert(
            abi.encodeWithSelector(
                ICvmManuscriptRegistryErrors.InvalidStatus.selector, HASH, ICvmManuscriptRegistryTypes.Status.Revoked
            )
        );
        vm.prank(owner);
        registry.revoke(HASH, "again");
    }

    function test_Revert_When_RevokeNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, registrar));
        vm.prank(registrar);
        registry.revoke(HASH, "x");
    }
}

contract CvmManuscriptRegistry_List is CvmManuscriptRegistry_Base {
    function testFuzz_PagesCoverEveryEntryOnce(uint8 count, uint8 offset, uint8 limit) public {
        count = uint8(bound(count, 0, 40));
        for (uint256 i; i < count; ++i) {
            _register(registrar, keccak256(abi.encode("m", i)));
        }
        assertEq(registry.manuscriptCount(), count);
        bytes32[] memory page = registry.manuscriptHashes(offset, limit);
        uint256 expected = offset >= count ? 0 : (uint256(count) - offset < limit ? uint256(count) - offset : limit);
        assertEq(page.length, expected);
        for (uint256 i; i < page.length; ++i) {
            assertEq(page[i], keccak256(abi.encode("m", uint256(offset) + i)));
        }
    }

    function test_LargeLimitDoesNotOverflow() public {
        _register(registrar, HASH);
        assertEq(registry.manuscriptHashes(0, type(uint256).max).length, 1);
        assertEq(registry.manuscriptHashes(type(uint256).max, type(uint256).max).length, 0);
    }
}
