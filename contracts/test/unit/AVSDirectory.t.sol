// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAVSDirectoryErrors, IAVSDirectoryEvents} from "../../src/interfaces/core/IAVSDirectory.sol";
import {ISignatureUtilsMixinTypes} from "../../src/interfaces/core/ISignatureUtilsMixin.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";

contract AVSDirectory_RegisterOperatorToAVS is CvmFixture {
    address internal op;
    uint256 internal opKey;
    address internal avs = makeAddr("avs");

    function setUp() public override {
        super.setUp();
        (op, opKey) = makeAddrAndKey("m2operator");
        vm.prank(op);
        d.core.delegationManager.registerAsOperator(address(0), 0, "uri");
    }

    function _sig(address operator, uint256 key, bytes32 salt, uint256 expiry)
        internal
        view
        returns (ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory)
    {
        bytes32 digest = d.core.avsDirectory.calculateOperatorAVSRegistrationDigestHash(operator, avs, salt, expiry);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry(abi.encodePacked(r, s, v), salt, expiry);
    }

    function test_DigestMatchesEip712WithoutVersion() public view {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,uint256 chainId,address verifyingContract)"),
                keccak256("EigenLayer"),
                block.chainid,
                address(d.core.avsDirectory)
            )
        );
        assertEq(d.core.avsDirectory.domainSeparator(), domain);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry)"),
                op,
                avs,
                bytes32("s"),
                uint256(9)
            )
        );
        assertEq(
            d.core.avsDirectory.calculateOperatorAVSRegistrationDigestHash(op, avs, "s", 9),
            keccak256(abi.encodePacked("\x19\x01", domain, structHash))
        );
    }

    function test_RegistersAndDeregisters() public {
        ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory s = _sig(op, opKey, "salt", block.timestamp);
        vm.expectEmit(true, true, false, true, address(d.core.avsDirectory));
        emit IAVSDirectoryEvents.OperatorAVSRegistrationStatusUpdated(
            op, avs, IAVSDirectoryEvents.OperatorAVSRegistrationStatus.REGISTERED
        );
        vm.prank(avs);
        d.core.avsDirectory.registerOperatorToAVS(op, s);
        assertEq(uint8(d.core.avsDirectory.avsOperatorStatus(avs, op)), 1);
        assertTrue(d.core.avsDirectory.operatorSaltIsSpent(op, "salt"));
        vm.prank(avs);
        d.core.avsDirectory.deregisterOperatorFromAVS(op);
        assertEq(uint8(d.core.avsDirectory.avsOperatorStatus(avs, op)), 0);
    }

    function test_Revert_WhenExpired() public {
        ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory s = _sig(op, opKey, "salt", block.timestamp - 1);
        vm.expectRevert(IAVSDirectoryErrors.SignatureExpired.selector);
        vm.prank(avs);
        d.core.avsDirectory.registerOperatorToAVS(op, s);
    }

    function test_Revert_WhenAlreadyRegistered() public {
        ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory s = _sig(op, opKey, "salt", block.timestamp);
        vm.prank(avs);
        d.core.avsDirectory.registerOperatorToAVS(op, s);
        s = _sig(op, opKey, "salt2", block.timestamp);
        vm.expectRevert(IAVSDirectoryErrors.OperatorAlreadyRegisteredToAVS.selector);
        vm.prank(avs);
        d.core.avsDirectory.registerOperatorToAVS(op, s);
    }

    function test_Revert_WhenSaltSpent() public {
        vm.prank(op);
        d.core.avsDirectory.cancelSalt("salt");
        ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory s = _sig(op, opKey, "salt", block.timestamp);
        vm.expectRevert(IAVSDirectoryErrors.SaltSpent.selector);
        vm.prank(avs);
        d.core.avsDirectory.registerOperatorToAVS(op, s);
    }

    function test_Revert_WhenNotAnEigenLayerOperator() public {
        (address other, uint256 otherKey) = makeAddrAndKey("other");
        ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory s = _sig(other, otherKey, "salt", block.timestamp);
        vm.expectRevert(IAVSDirectoryErrors.OperatorNotRegisteredToEigenLayer.selector);
        vm.prank(avs);
        d.core.avsDirectory.registerOperatorToAVS(other, s);
    }

    function test_Revert_WhenSignatureInvalid() public {
        (, uint256 otherKey) = makeAddrAndKey("other");
        ISignatureUtilsMixinTypes.SignatureWithSaltAndExpiry memory s = _sig(op, otherKey, "salt", block.timestamp);
        vm.expectRevert(IAVSDirectoryErrors.InvalidSignature.selector);
        vm.prank(avs);
        d.core.avsDirectory.registerOperatorToAVS(op, s);
    }

    function test_Revert_WhenDeregisteringUnregistered() public {
        vm.expectRevert(IAVSDirectoryErrors.OperatorNotRegisteredToAVS.selector);
        vm.prank(avs);
        d.core.avsDirectory.deregisterOperatorFromAVS(op);
    }

    function test_UpdateMetadataEmits() public {
        vm.expectEmit(true, false, false, true, address(d.core.avsDirectory));
        emit IAVSDirectoryEvents.AVSMetadataURIUpdated(avs, "m");
        vm.prank(avs);
        d.core.avsDirectory.updateAVSMetadataURI("m");
    }
}
