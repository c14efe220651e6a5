// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICvmRegistry, ICvmRegistryTypes} from "../interfaces/avs/ICvmRegistry.sol";
import {ICvmTaskManagerTypes} from "../interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "./BN254.sol";

/// @title QuorumSignatures — the AVS's stake-weighted BLS quorum check of an aggregate signature, against the
///        registry's checkpoints at a reference block, by the rules of `CvmTaskManager._checkSignatures`:
///        per quorum, the supplied APK must match the registry's APK checkpoint; the non-signers (strictly ascending
///        operatorIds, each active in at least one quorum) are subtracted; signed stake × 100 must reach
///        total stake × threshold; the aggregate must verify against apk with the randomised pairing.
/// @dev Used by `StorageAudit`. `CvmTaskManager` keeps its own copy (same rules, tuned to its `Task` calldata);
///      see docs/STORAGE.md "Attested outcomes" for why it was not factored here.
library QuorumSignatures {
    using BN254 for BN254.G1Point;

    error InputLengthMismatch();
    error TooManyNonSigners(uint256 count);
    error NonSignersNotSorted(uint256 index);
    error NonSignerNotRegistered(bytes32 operatorId);
    error QuorumApkMismatch(uint8 quorumNumber);
    error QuorumThresholdNotMet(uint8 quorumNumber, uint96 signedStake, uint96 totalStake);
    error InvalidSignature();

    /// @notice Reverts unless `sig` is a valid quorum attestation of `msgHash`; returns the signed and total stake
    ///         per quorum (in `quorumNumbers` order).
    function check(
        ICvmRegistry registry,
        bytes32 msgHash,
        bytes memory quorumNumbers,
        uint32 referenceBlock,
        uint32 thresholdPercentage,
        ICvmTaskManagerTypes.NonSignerStakesAndSignature calldata sig
    ) internal view returns (uint96[] memory signed, uint96[] memory total) {
        uint256 qn = quorumNumbers.length;
        if (
            sig.quorumApks.length != qn || sig.quorumApkIndices.length != qn || sig.totalStakeIndices.length != qn
                || sig.nonSignerStakeIndices.length != qn
        ) revert InputLengthMismatch();
        bytes32[] memory ids = _nonSignerIds(sig.nonSignerPubkeys);
        signed = new uint96[](qn);
        total = new uint96[](qn);
        BN254.G1Point memory apk;
        uint256 membership;
        for (uint256 i; i < qn; ++i) {
            uint8 q = uint8(quorumNumbers[i]);
            ICvmRegistryTypes.QuorumSnapshot memory snap = _snapshot(registry, q, referenceBlock, sig, i, ids);
            apk = i == 0 ? sig.quorumApks[i] : apk.plus(sig.quorumApks[i]);
            if (snap.nonSignerActiveBitmap != 0) {
                apk = apk.plus(_sumSelected(sig.nonSignerPubkeys, snap.nonSignerActiveBitmap).negate());
            }
            uint96 s = snap.totalStake - snap.nonSignerStake;
            if (snap.totalStake == 0 || uint256(s) * 100 < uint256(snap.totalStake) * thresholdPercentage) {
                revert QuorumThresholdNotMet(q, s, snap.totalStake);
            }
            signed[i] = s;
            total[i] = snap.totalStake;
            membership |= snap.nonSignerActiveBitmap;
        }
        for (uint256 j; j < ids.length; ++j) {
            if ((membership >> j) & 1 == 0) revert NonSignerNotRegistered(ids[j]);
        }
        if (!BN254.verifyAggregate(msgHash, apk, sig.apkG2, sig.sigma)) revert InvalidSignature();
    }

    /// @dev Quorum i's state at the reference block; checks the supplied quorum APK against its checkpoint.
    function _snapshot(
        ICvmRegistry registry,
        uint8 q,
        uint32 referenceBlock,
        ICvmTaskManagerTypes.NonSignerStakesAndSignature calldata sig,
        uint256 i,
        bytes32[] memory ids
    ) private view returns (ICvmRegistryTypes.QuorumSnapshot memory snap) {
        if (sig.nonSignerStakeIndices[i].length != ids.length) revert InputLengthMismatch();
        snap = registry.quorumSnapshot(
            q, referenceBlock, sig.quorumApkIndices[i], sig.totalStakeIndices[i], ids, sig.nonSignerStakeIndices[i]
        );
        if (bytes24(keccak256(abi.encodePacked(sig.quorumApks[i].X, sig.quorumApks[i].Y))) != snap.apkHash) {
            revert QuorumApkMismatch(q);
        }
    }

    function _nonSignerIds(BN254.G1Point[] calldata pubkeys) private pure returns (bytes32[] memory ids) {
        uint256 n = pubkeys.length;
        if (n > 256) revert TooManyNonSigners(n);
        ids = new bytes32[](n);
        for (uint256 j; j < n; ++j) {
            bytes32 id = keccak256(abi.encodePacked(pubkeys[j].X, pubkeys[j].Y));
            if (j != 0 && id <= ids[j - 1]) revert NonSignersNotSorted(j);
            ids[j] = id;
        }
    }

    function _sumSelected(BN254.G1Point[] calldata pubkeys, uint256 bitmap)
        private
        view
        returns (BN254.G1Point memory sum)
    {
        bool first = true;
        for (uint256 j; j < pubkeys.length; ++j) {
            if ((bitmap >> j) & 1 == 0) continue;
            if (first) {
                sum = pubkeys[j];
                first = false;
            } else {
                sum = sum.plus(pubkeys[j]);
            }
        }
    }
}
