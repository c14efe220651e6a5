// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAVSDirectory} from "../interfaces/core/IAVSDirectory.sol";
import {IDelegationManager} from "../interfaces/core/IDelegationManager.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title AVSDirectory — devnet stand-in for EigenLayer's AVSDirectory (M2 operator ↔ AVS registration).
contract AVSDirectory is Initializable, IAVSDirectory {
    bytes32 public constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,uint256 chainId,address verifyingContract)");
    bytes32 public constant OPERATOR_AVS_REGISTRATION_TYPEHASH =
        keccak256("OperatorAVSRegistration(address operator,address avs,bytes32 salt,uint256 expiry)");

    IDelegationManager public immutable delegation;

    mapping(address avs => mapping(address operator => OperatorAVSRegistrationStatus)) public avsOperatorStatus;
    mapping(address operator => mapping(bytes32 salt => bool)) public operatorSaltIsSpent;

    constructor(IDelegationManager delegation_) {
        delegation = delegation_;
        _disableInitializers();
    }

    function initialize() external initializer {}

    /// @inheritdoc IAVSDirectory
    function registerOperatorToAVS(address operator, SignatureWithSaltAndExpiry memory operatorSignature) external {
        // forge-lint: disable-next-line(block-timestamp)
        if (operatorSignature.expiry < block.timestamp) revert SignatureExpired();
        if (avsOperatorStatus[msg.sender][operator] == OperatorAVSRegistrationStatus.REGISTERED) {
            revert OperatorAlreadyRegisteredToAVS();
        }
        if (operatorSaltIsSpent[operator][operatorSignature.salt]) revert SaltSpent();
        if (!delegation.isOperator(operator)) revert OperatorNotRegisteredToEigenLayer();
        bytes32 digest = calculateOperatorAVSRegistrationDigestHash(
            operator, msg.sender, operatorSignature.salt, operatorSignature.expiry
        );
        if (!SignatureChecker.isValidSignatureNow(operator, digest, operatorSignature.signature)) {
            revert InvalidSignature();
        }
        operatorSaltIsSpent[operator][operatorSignature.salt] = true;
        avsOperatorStatus[msg.sender][operator] = OperatorAVSRegistrationStatus.REGISTERED;
        emit OperatorAVSRegistrationStatusUpdated(operator, msg.sender, OperatorAVSRegistrationStatus.REGISTERED);
    }

    /// @inheritdoc IAVSDirectory
    function deregisterOperatorFromAVS(address operator) external {
        if (avsOperatorStatus[msg.sender][operator] != OperatorAVSRegistrationStatus.REGISTERED) {
            revert OperatorNotRegisteredToAVS();
        }
        avsOperatorStatus[msg.sender][operator] = OperatorAVSRegistrationStatus.UNREGISTERED;
        emit OperatorAVSRegistrationStatusUpdated(operator, msg.sender, OperatorAVSRegistrationStatus.UNREGISTERED);
    }

    /// @inheritdoc IAVSDirectory
    function updateAVSMetadataURI(string calldata metadataURI) external {
        emit AVSMetadataURIUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc IAVSDirectory
    function cancelSalt(bytes32 salt) external {
        operatorSaltIsSpent[msg.sender][salt] = true;
    }

    /// @inheritdoc IAVSDirectory
    function calculateOperatorAVSRegistrationDigestHash(address operator, address avs, bytes32 salt, uint256 expiry)
        public
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(OPERATOR_AVS_REGISTRATION_TYPEHASH, operator, avs, salt, expiry));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    /// @inheritdoc IAVSDirectory
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("EigenLayer"), block.chainid, address(this)));
    }
}
