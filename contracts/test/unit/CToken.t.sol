// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CToken} from "../../src/token/CToken.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {Test} from "forge-std/Test.sol";

contract CTokenTestBase is Test {
    uint256 internal constant CAP = 1_000_000_000 ether;
    address internal admin = makeAddr("admin");
    address internal alice = makeAddr("alice");
    CToken internal token;

    function setUp() public virtual {
        token = new CToken(admin, CAP);
    }
}

contract CToken_Constructor is CTokenTestBase {
    function test_SetsMetadataCapAndRoles() public view {
        assertEq(token.name(), "Chainbase Token");
        assertEq(token.symbol(), "C");
        assertEq(token.decimals(), 18);
        assertEq(token.cap(), CAP);
        assertEq(token.totalSupply(), 0);
        assertTrue(token.hasRole(token.DEFAULT_ADMIN_ROLE(), admin));
        assertTrue(token.hasRole(token.MINTER_ROLE(), admin));
    }
}

contract CToken_Mint is CTokenTestBase {
    function test_MintsToRecipient() public {
        vm.prank(admin);
        token.mint(alice, 5 ether);
        assertEq(token.balanceOf(alice), 5 ether);
        assertEq(token.totalSupply(), 5 ether);
    }

    function test_Revert_WhenCallerIsNotMinter() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, token.MINTER_ROLE())
        );
        vm.prank(alice);
        token.mint(alice, 1);
    }

    function test_Revert_WhenCapExceeded() public {
        vm.startPrank(admin);
        token.mint(alice, CAP);
        vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, CAP + 1, CAP));
        token.mint(alice, 1);
        vm.stopPrank();
    }

    function testFuzz_MintNeverExceedsCap(uint256 a, uint256 b) public {
        a = bound(a, 0, CAP);
        b = bound(b, 0, CAP);
        vm.startPrank(admin);
        token.mint(alice, a);
        if (a + b > CAP) {
            vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, a + b, CAP));
        }
        token.mint(alice, b);
        vm.stopPrank();
        assertLe(token.totalSupply(), CAP);
    }
}

contract CToken_Permit is CTokenTestBase {
    function test_PermitSetsAllowanceFromSignature() public {
        (address owner, uint256 ownerKey) = makeAddrAndKey("owner");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                alice,
                7 ether,
                token.nonces(owner),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, digest);
        token.permit(owner, alice, 7 ether, deadline, v, r, s);
        assertEq(token.allowance(owner, alice), 7 ether);
        assertEq(token.nonces(owner), 1);
    }
}
