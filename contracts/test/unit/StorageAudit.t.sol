// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICStaking, ICStakingErrors} from "../../src/interfaces/avs/ICStaking.sol";
import {ICvmSlasherErrors} from "../../src/interfaces/avs/ICvmSlasher.sol";
import {ICvmTaskManagerTypes} from "../../src/interfaces/avs/ICvmTaskManager.sol";
import {BN254} from "../../src/libraries/BN254.sol";
import {QuorumSignatures} from "../../src/libraries/QuorumSignatures.sol";
import {AnchorRegistry} from "../../src/storage/AnchorRegistry.sol";
import {StorageAudit} from "../../src/storage/StorageAudit.sol";
import {BlsTestKeys} from "../utils/BlsTestKeys.sol";
import {CvmFixture} from "../utils/CvmFixture.sol";
import {G2Math} from "../utils/G2Math.sol";

/// @dev The real AVS (CvmFixture: registry, slasher router, EigenLayer stand-ins) with three registered operators of
///      equal stake; the group is a 3-chunk file (8192 + 8192 + 100 bytes), anchored in a real AnchorRegistry, kept
///      by operators 0 and 1 (bond 0.01 ether, cooldown 1 day, no grace period unless a test deploys its own). The audit tree
///      is built here from the tree's definition (leaf = keccak256(0x00 ‖ chunk), node = keccak256(0x01 ‖ l ‖ r),
///      root = node(node(l0, l1), l2)).
contract StorageAuditTest is CvmFixture {
    using BN254 for BN254.G1Point;

    StorageAudit internal audit;
    AnchorRegistry internal anchors;
    uint256 internal constant BOND = 0.01 ether;
    uint64 internal constant COOLDOWN = 1 days;
    bytes32 internal constant STREAM = keccak256("stream");
    bytes32 internal constant GROUP = keccak256("group");
    bytes[3] internal chunks;
    bytes32[3] internal leaves;
    bytes32 internal root;
    uint64 internal constant SIZE = 8192 * 2 + 100;
    uint256 internal constant SLASH_WAD = 0.1e18;
    uint256 internal constant C_SLASH_WAD = 0.2e18;
    address internal holder;
    address internal holder2;
    uint32 internal seedBlock;

    function setUp() public override {
        super.setUp();
        _addOperators(3);
        anchors = new AnchorRegistry(address(this), address(this));
        audit = _newAudit(0);
        for (uint256 i = 0; i < 3; i++) {
            uint256 len = i < 2 ? 8192 : 100;
            bytes memory c = new bytes(len);
            for (uint256 j = 0; j < len; j += 32) {
                bytes32 word = keccak256(abi.encode(i, j));
                for (uint256 k = 0; k < 32 && j + k < len; k++) {
                    c[j + k] = word[k];
                }
            }
            chunks[i] = c;
            leaves[i] = keccak256(abi.encodePacked(bytes1(0x00), c));
        }
        bytes32 left = keccak256(abi.encodePacked(bytes1(0x01), leaves[0], leaves[1]));
        root = keccak256(abi.encodePacked(bytes1(0x01), left, leaves[2]));
        holder = ops[0].addr;
        holder2 = ops[1].addr;
        address[] memory hs = new address[](2);
        hs[0] = holder;
        hs[1] = holder2;
        _anchor(GROUP, root, SIZE);
        audit.assign(GROUP, root, SIZE, hs);
        vm.roll(block.number + 1);
        seedBlock = uint32(block.number - 1);
    }

    function _newAudit(uint32 grace) internal returns (StorageAudit a) {
        a = new StorageAudit(
            address(this),
            1 hours,
            d.registry,
            d.slasher,
            0,
            66,
            SLASH_WAD,
            d.cStaking,
            C_SLASH_WAD,
            anchors,
            StorageAudit.Rules({challengeBond: BOND, slashCooldown: COOLDOWN, challengeGrace: grace})
        );
        d.slasher.setAllowed(address(a), true);
        d.cStaking.setSlasherAllowed(address(a), true);
    }

    uint64 internal _anchored;

    function _anchor(bytes32 groupHash, bytes32 auditRoot, uint64 size) internal {
        anchors.anchor(STREAM, _anchored, _anchored, size, groupHash, keccak256("data"), auditRoot, hex"01");
        ++_anchored;
    }

    function _path(uint32 index) internal view returns (bytes32[] memory s) {
        if (index == 2) {
            s = new bytes32[](1);
            s[0] = keccak256(abi.encodePacked(bytes1(0x01), leaves[0], leaves[1]));
        } else {
            s = new bytes32[](2);
            s[0] = leaves[1 - index];
            s[1] = leaves[2];
        }
    }

    /// @dev Registry weight lost per failed round (both multipliers 1e18): restaked and `$C` parts.
    function _cut() internal pure returns (uint256) {
        return RESTAKE * SLASH_WAD / 1e18 + C_STAKE * C_SLASH_WAD / 1e18;
    }

    function _stake(address op) internal view returns (uint96) {
        return d.registry.getCurrentStake(d.registry.getOperatorId(op), 0);
    }

    // ------------------------------------------------------------ assignment

    function test_Assign_RecordsHoldersAndRefusesBadOnes() public {
        address[] memory got = audit.holdersOf(GROUP);
        assertEq(got.length, 2);
        assertTrue(audit.isHolder(GROUP, holder) && audit.isHolder(GROUP, holder2));
        assertFalse(audit.isHolder(GROUP, ops[2].addr));
        (,,, uint8 count) = audit.groups(GROUP);
        assertEq(count, 2);

        address[] memory hs = new address[](1);
        hs[0] = holder;
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.AlreadyAssigned.selector, GROUP));
        audit.assign(GROUP, root, SIZE, hs);
        _anchor(keccak256("other"), root, SIZE);
        vm.prank(holder);
        vm.expectRevert(abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", holder));
        audit.assign(keccak256("other"), root, SIZE, hs);
        hs[0] = makeAddr("not an operator");
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NotOperator.selector, hs[0]));
        audit.assign(keccak256("other"), root, SIZE, hs);
        address[] memory dup = new address[](2);
        dup[0] = holder;
        dup[1] = holder;
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.DuplicateHolder.selector, holder));
        audit.assign(keccak256("other"), root, SIZE, dup);
        vm.expectRevert(StorageAudit.BadHolders.selector);
        audit.assign(keccak256("other"), root, SIZE, new address[](0));
    }

    // ------------------------------------------------------------ disputes

    function test_HolderAnswersEveryChunk() public {
        for (uint32 i = 0; i < 3; i++) {
            audit.challenge{value: BOND}(GROUP, holder, seedBlock, i);
            bytes memory c = chunks[i];
            bytes32[] memory p = _path(i);
            uint256 before = gasleft();
            audit.respond(GROUP, holder, c, p);
            emit log_named_uint("respond gas (call, without the 21k base and calldata)", before - gasleft());
            (address challenger_,,,) = audit.disputes(GROUP, holder);
            assertEq(challenger_, address(0));
        }
    }

    function test_WrongChunkReverts_ThenMissedDeadlineFailsAndSlashesOnce() public {
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 1);
        bytes memory bad = chunks[1];
        bad[10] = bad[10] ^ 0x01;
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongChunk.selector, uint32(1)));
        audit.respond(GROUP, holder, bad, _path(1));

        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongChunkLength.selector, uint256(100), uint256(8192)));
        audit.respond(GROUP, holder, chunks[2], _path(1));

        vm.expectRevert();
        audit.expire(GROUP, holder);
        vm.warp(block.timestamp + 1 hours + 1);
        vm.expectRevert();
        audit.respond(GROUP, holder, chunks[1], _path(1));

        uint96 before = _stake(holder);
        uint96 other = _stake(holder2);
        bytes32 round = blockhash(seedBlock);
        vm.expectEmit(true, true, false, true);
        emit StorageAudit.AuditFailed(GROUP, holder, 1);
        audit.expire(GROUP, holder);
        assertTrue(audit.slashed(GROUP, holder, round));
        assertEq(
            uint256(_stake(holder)),
            uint256(before) - _cut(),
            "10% of the restaked allocation and 20% of the $C stake slashed"
        );
        assertEq(d.cStaking.operatorStake(holder), C_STAKE - C_STAKE * C_SLASH_WAD / 1e18, "$C burnt");
        assertEq(d.cStaking.operatorStake(holder2), C_STAKE, "the other holder keeps its $C");
        assertEq(_stake(holder2), other, "the other holder keeps its stake");

        // once per (group, holder, round): no second dispute, no attested failure of the same round
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.AlreadySlashed.selector, GROUP, holder, round));
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        StorageAudit.Outcome memory o = StorageAudit.Outcome(GROUP, holder, seedBlock, false);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _attest(o, _list(0));
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.AlreadySlashed.selector, GROUP, holder, round));
        audit.submitOutcome(o, s);
        assertEq(uint256(_stake(holder)), uint256(before) - _cut());
        assertEq(d.cStaking.operatorStake(holder), C_STAKE - C_STAKE * C_SLASH_WAD / 1e18, "$C slashed once");

        // a later round is a new round, once the slash cooldown is over
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + COOLDOWN);
        audit.challenge{value: BOND}(GROUP, holder, uint32(block.number - 1), 0);
    }

    function test_IndexInRange_OneDisputePerHolder_AnswerMustMatchTheDispute() public {
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.IndexOutOfRange.selector, uint32(3), uint256(3)));
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 3);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NotHolderOf.selector, GROUP, ops[2].addr));
        audit.challenge{value: BOND}(GROUP, ops[2].addr, seedBlock, 0);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.SeedUnavailable.selector, uint32(block.number)));
        audit.challenge{value: BOND}(GROUP, holder, uint32(block.number), 0);
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.DisputeOpen.selector, GROUP, holder));
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 1);
        audit.challenge{value: BOND}(GROUP, holder2, seedBlock, 1); // the other holder has its own dispute
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NotHolderOf.selector, GROUP, ops[2].addr));
        audit.respond(GROUP, ops[2].addr, chunks[0], _path(0));
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongChunk.selector, uint32(1)));
        audit.respond(GROUP, holder2, chunks[0], _path(0));
    }

    function test_ExpireWithoutCStakingAllowance_Reverts() public {
        d.cStaking.setSlasherAllowed(address(audit), false);
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        vm.warp(block.timestamp + 1 hours + 1);
        vm.expectRevert(abi.encodeWithSelector(ICStakingErrors.OnlySlasher.selector, address(audit)));
        audit.expire(GROUP, holder);
        assertEq(d.cStaking.operatorStake(holder), C_STAKE);
    }

    function test_ExpireWithoutSlasherAllowList_Reverts() public {
        d.slasher.setAllowed(address(audit), false);
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        vm.warp(block.timestamp + 1 hours + 1);
        vm.expectRevert(abi.encodeWithSelector(ICvmSlasherErrors.NotAllowedToSlash.selector, address(audit)));
        audit.expire(GROUP, holder);
    }

    // ------------------------------------------------------------ attested outcomes

    /// @dev Aggregate of every operator except `nonSigners` over the outcome digest, with the registry's hints at
    ///      the seed block (as `CvmFixture._sign` does for task responses).
    function _attest(StorageAudit.Outcome memory o, uint256[] memory nonSigners)
        internal
        view
        returns (ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s)
    {
        return _attestDigest(
            audit.outcomeDigest(o.groupHash, o.holder, blockhash(o.seedBlock), root, o.passed), o.seedBlock, nonSigners
        );
    }

    function _attestDigest(bytes32 digest, uint32 ref, uint256[] memory nonSigners)
        internal
        view
        returns (ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s)
    {
        (BN254.G1Point[] memory nsPks, bytes32[] memory nsIds) = _sortedNonSigners(nonSigners);
        s.nonSignerPubkeys = nsPks;
        s.quorumApks = new BN254.G1Point[](1);
        uint256 signerSk;
        for (uint256 k; k < ops.length; ++k) {
            if (!_activeAt(ops[k].key.id, 0, ref)) continue;
            s.quorumApks[0] = s.quorumApks[0].plus(ops[k].key.pk1);
            if (!_isNonSigner(nonSigners, k)) signerSk = addmod(signerSk, ops[k].key.sk, BN254.FR_MODULUS);
        }
        s.sigma = BlsTestKeys.sign(signerSk, digest);
        s.apkG2 = G2Math.mulGenerator(signerSk);
        (s.quorumApkIndices, s.totalStakeIndices, s.nonSignerStakeIndices) =
            d.registry.getCheckSignaturesIndices(hex"00", ref, nsIds);
    }

    function test_DigestIsTheDocumentedEncoding() public view {
        bytes32 seed = keccak256("seed");
        bytes32 expected = keccak256(
            abi.encode(
                keccak256(
                    "StorageAuditOutcome(uint256 chainId,address audit,bytes32 groupHash,address holder,bytes32 seed,bytes32 auditRoot,bool passed)"
                ),
                block.chainid,
                address(audit),
                GROUP,
                holder,
                seed,
                root,
                true
            )
        );
        assertEq(audit.outcomeDigest(GROUP, holder, seed, root, true), expected);
    }

    function test_AttestedPass_IsRecordedOnce_AndSlashesNobody() public {
        StorageAudit.Outcome memory o = StorageAudit.Outcome(GROUP, holder, seedBlock, true);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _attest(o, _list(2));
        uint96 before = _stake(holder);
        uint256 g = gasleft();
        audit.submitOutcome(o, s);
        emit log_named_uint("submitOutcome gas (passed, 2 of 3 signers, call only)", g - gasleft());
        assertEq(uint8(audit.results(GROUP, holder, blockhash(seedBlock))), uint8(StorageAudit.Result.Passed));
        assertEq(_stake(holder), before);
        vm.expectRevert(
            abi.encodeWithSelector(StorageAudit.OutcomeRecorded.selector, GROUP, holder, blockhash(seedBlock))
        );
        audit.submitOutcome(o, s);
    }

    function test_AttestedFailure_SlashesTheHolderOnce() public {
        StorageAudit.Outcome memory o = StorageAudit.Outcome(GROUP, holder, seedBlock, false);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _attest(o, _list(0));
        uint96 before = _stake(holder);
        bytes32 round = blockhash(seedBlock);
        vm.expectEmit(true, true, true, false);
        emit StorageAudit.HolderSlashed(GROUP, holder, round, 0);
        uint256 g = gasleft();
        audit.submitOutcome(o, s);
        emit log_named_uint("submitOutcome gas (failed + slash, 2 of 3 signers, call only)", g - gasleft());
        assertEq(uint256(_stake(holder)), uint256(before) - _cut());
        assertEq(d.cStaking.operatorStake(holder), C_STAKE - C_STAKE * C_SLASH_WAD / 1e18);
        assertTrue(audit.slashed(GROUP, holder, round));
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.OutcomeRecorded.selector, GROUP, holder, round));
        audit.submitOutcome(o, s);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.AlreadySlashed.selector, GROUP, holder, round));
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
    }

    function test_AttestedFailure_AfterOpenDispute_ExpireDoesNotSlashTwice() public {
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        StorageAudit.Outcome memory o = StorageAudit.Outcome(GROUP, holder, seedBlock, false);
        audit.submitOutcome(o, _attest(o, _list(0)));
        uint96 after1 = _stake(holder);
        vm.warp(block.timestamp + 1 hours + 1);
        audit.expire(GROUP, holder);
        assertEq(_stake(holder), after1);
    }

    function test_Attestation_RefusesWeakOrWrongSignatures() public {
        StorageAudit.Outcome memory o = StorageAudit.Outcome(GROUP, holder, seedBlock, false);
        // one of three signers: below 66 %
        uint256[] memory two = new uint256[](2);
        two[0] = 0;
        two[1] = 1;
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory weak = _attest(o, two);
        vm.expectRevert();
        audit.submitOutcome(o, weak);
        // signed "passed", submitted as "failed"
        StorageAudit.Outcome memory p = StorageAudit.Outcome(GROUP, holder, seedBlock, true);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory signedPass = _attest(p, _list(0));
        vm.expectRevert(QuorumSignatures.InvalidSignature.selector);
        audit.submitOutcome(o, signedPass);
        // a holder not assigned to the group
        StorageAudit.Outcome memory q = StorageAudit.Outcome(GROUP, ops[2].addr, seedBlock, false);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NotHolderOf.selector, GROUP, ops[2].addr));
        audit.submitOutcome(q, signedPass);
        // a seed block out of the EVM's reach
        vm.roll(block.number + 300);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.SeedUnavailable.selector, seedBlock));
        audit.submitOutcome(p, signedPass);
        assertEq(uint8(audit.results(GROUP, holder, blockhash(seedBlock))), 0);
    }

    function test_Constructor_RefusesBadConfig() public {
        vm.expectRevert(StorageAudit.InvalidConfig.selector);
        new StorageAudit(
            address(this), 1 hours, d.registry, d.slasher, 0, 66, 0, d.cStaking, 0, anchors, _rules(BOND, COOLDOWN)
        );
        vm.expectRevert(StorageAudit.InvalidConfig.selector);
        new StorageAudit(
            address(this),
            1 hours,
            d.registry,
            d.slasher,
            0,
            101,
            SLASH_WAD,
            d.cStaking,
            0,
            anchors,
            _rules(BOND, COOLDOWN)
        );
        vm.expectRevert(StorageAudit.InvalidConfig.selector);
        new StorageAudit(
            address(this),
            1 hours,
            d.registry,
            d.slasher,
            0,
            66,
            SLASH_WAD,
            d.cStaking,
            0,
            AnchorRegistry(address(0)),
            _rules(BOND, 1)
        );
        vm.expectRevert(StorageAudit.InvalidConfig.selector);
        new StorageAudit(
            address(this), 1 hours, d.registry, d.slasher, 0, 66, SLASH_WAD, d.cStaking, 0, anchors, _rules(0, 1)
        );
        vm.expectRevert(StorageAudit.InvalidConfig.selector);
        new StorageAudit(
            address(this), 1 hours, d.registry, d.slasher, 0, 66, SLASH_WAD, d.cStaking, 0, anchors, _rules(BOND, 0)
        );
        vm.expectRevert(StorageAudit.InvalidConfig.selector);
        new StorageAudit(
            address(this),
            1 hours,
            d.registry,
            d.slasher,
            0,
            66,
            SLASH_WAD,
            ICStaking(address(0)),
            0,
            anchors,
            _rules(BOND, 1)
        );
        vm.expectRevert(StorageAudit.InvalidConfig.selector);
        new StorageAudit(
            address(this),
            1 hours,
            d.registry,
            d.slasher,
            0,
            66,
            SLASH_WAD,
            d.cStaking,
            1e18 + 1,
            anchors,
            _rules(BOND, 1)
        );
    }

    function _rules(uint256 bond, uint64 cooldown) internal pure returns (StorageAudit.Rules memory) {
        return StorageAudit.Rules({challengeBond: bond, slashCooldown: cooldown, challengeGrace: 0});
    }

    /// @dev The vector the Java `StorageAuditClientTest` checks too: chain 31337, the audit at anvil's first
    ///      deployment address, holder = anvil account 1, groupHash/seed/auditRoot = 0x11…/0x22…/0x33…, failed.
    function test_DigestVector_SharedWithJava() public {
        vm.chainId(31_337);
        address at = 0x5FbDB2315678afecb367f032d93F642f64180aa3;
        vm.etch(at, address(audit).code);
        bytes32 got = StorageAudit(at)
            .outcomeDigest(
                bytes32(uint256(0x1111111111111111111111111111111111111111111111111111111111111111)),
                0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
                bytes32(uint256(0x2222222222222222222222222222222222222222222222222222222222222222)),
                bytes32(uint256(0x3333333333333333333333333333333333333333333333333333333333333333)),
                false
            );
        assertEq(got, 0x4cb652eb6db2d4bcd13c8cf07e5283ff539ccc7c013960e4c6e6e163612ac267);
    }

    // ------------------------------------------------------------ anchored-only assignment (review finding 2)

    function test_Assign_RefusesUnanchoredOrMismatchingGroup() public {
        address[] memory hs = new address[](1);
        hs[0] = holder;
        bytes32 made = keccak256("made up");
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NotAnchored.selector, made));
        audit.assign(made, root, SIZE, hs);

        bytes32 other = keccak256("other group");
        _anchor(other, root, SIZE);
        bytes32 wrongRoot = keccak256("wrong root");
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.AnchorMismatch.selector, other, root, SIZE));
        audit.assign(other, wrongRoot, SIZE, hs);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.AnchorMismatch.selector, other, root, SIZE));
        audit.assign(other, root, SIZE + 1, hs);
        audit.assign(other, root, SIZE, hs);
        assertTrue(audit.isHolder(other, holder));
    }

    function test_Assign_RefusesDeregisteredHolder() public {
        address gone = ops[2].addr;
        _deregister(gone);
        assertTrue(d.registry.getOperatorId(gone) != bytes32(0), "the operator id outlives deregistration");
        bytes32 other = keccak256("other group");
        _anchor(other, root, SIZE);
        address[] memory hs = new address[](2);
        hs[0] = holder;
        hs[1] = gone;
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NotOperator.selector, gone));
        audit.assign(other, root, SIZE, hs);
    }

    // ------------------------------------------------------------ bonds, anyone responds (review finding 1a, 1b)

    function test_Challenge_RequiresExactlyTheBond() public {
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongBond.selector, uint256(0), BOND));
        audit.challenge(GROUP, holder, seedBlock, 0);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongBond.selector, BOND - 1, BOND));
        audit.challenge{value: BOND - 1}(GROUP, holder, seedBlock, 0);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WrongBond.selector, BOND + 1, BOND));
        audit.challenge{value: BOND + 1}(GROUP, holder, seedBlock, 0);
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        assertEq(address(audit).balance, BOND);
    }

    function test_AnyonesCorrectAnswer_ClosesTheDispute_AndPaysTheBondToTheHolder() public {
        address challenger = makeAddr("challenger");
        address stranger = makeAddr("stranger");
        vm.deal(challenger, 1 ether);
        vm.prank(challenger);
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 2);
        vm.prank(stranger);
        vm.expectEmit(true, true, true, true);
        emit StorageAudit.ChunkProven(GROUP, holder, blockhash(seedBlock), 2);
        audit.respond(GROUP, holder, chunks[2], _path(2));
        (address open,,,) = audit.disputes(GROUP, holder);
        assertEq(open, address(0));
        assertEq(audit.credit(holder), BOND);
        assertEq(audit.credit(stranger), 0);
        assertEq(audit.credit(challenger), 0);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NoDispute.selector, GROUP, holder));
        audit.expire(GROUP, holder);

        uint256 before = holder.balance;
        vm.prank(holder);
        audit.withdraw();
        assertEq(holder.balance, before + BOND);
        assertEq(audit.credit(holder), 0);
        assertEq(address(audit).balance, 0);
        vm.prank(holder);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NothingToWithdraw.selector, holder));
        audit.withdraw();
    }

    function test_Expire_RefundsTheBond_AndSlashesOnce() public {
        address challenger = makeAddr("challenger");
        vm.deal(challenger, 1 ether);
        vm.prank(challenger);
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 1);
        uint96 before = _stake(holder);
        vm.warp(block.timestamp + 1 hours + 1);
        audit.expire(GROUP, holder);
        assertEq(uint256(_stake(holder)), uint256(before) - _cut());
        assertEq(audit.credit(challenger), BOND);
        assertEq(audit.credit(holder), 0);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.NoDispute.selector, GROUP, holder));
        audit.expire(GROUP, holder);
        vm.prank(challenger);
        audit.withdraw();
        assertEq(challenger.balance, 1 ether);
    }

    function test_Withdraw_ToARefusingAccount_KeepsTheCredit() public {
        Refuser r = new Refuser();
        vm.deal(address(r), 1 ether);
        vm.prank(address(r));
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 1);
        vm.warp(block.timestamp + 1 hours + 1);
        audit.expire(GROUP, holder);
        vm.prank(address(r));
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.WithdrawFailed.selector, address(r)));
        audit.withdraw();
        assertEq(audit.credit(address(r)), BOND);
        assertEq(address(audit).balance, BOND);
    }

    // ------------------------------------------------------------ slash cooldown (review finding 1c)

    function test_Cooldown_RefusesASecondDisputeSlash() public {
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        vm.warp(block.timestamp + 1 hours + 1);
        audit.expire(GROUP, holder);
        uint64 end = audit.lastSlashAt(GROUP, holder) + COOLDOWN;
        // a fresh round inside the cooldown: no new dispute
        vm.roll(block.number + 1);
        uint32 next = uint32(block.number - 1);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.SlashCooldown.selector, GROUP, holder, end));
        audit.challenge{value: BOND}(GROUP, holder, next, 0);
        // the other holder of the group, and the holder in another group, are not affected
        audit.challenge{value: BOND}(GROUP, holder2, next, 0);
        // after the cooldown, the holder can be challenged again
        vm.warp(end);
        audit.challenge{value: BOND}(GROUP, holder, next, 0);
    }

    function test_Cooldown_RefusesAnAttestedSlashAfterADisputeSlash() public {
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        vm.warp(block.timestamp + 1 hours + 1);
        audit.expire(GROUP, holder);
        uint64 end = audit.lastSlashAt(GROUP, holder) + COOLDOWN;
        vm.roll(block.number + 1);
        StorageAudit.Outcome memory o = StorageAudit.Outcome(GROUP, holder, uint32(block.number - 1), false);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _attest(o, _list(0));
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.SlashCooldown.selector, GROUP, holder, end));
        audit.submitOutcome(o, s);
        // a pass is still recorded inside the cooldown
        StorageAudit.Outcome memory p = StorageAudit.Outcome(GROUP, holder, uint32(block.number - 1), true);
        audit.submitOutcome(p, _attest(p, _list(0)));
    }

    function test_Cooldown_ExpireAfterAnAttestedSlashOfAnotherRound_RefundsWithoutSlashing() public {
        audit.challenge{value: BOND}(GROUP, holder, seedBlock, 0);
        vm.roll(block.number + 1);
        StorageAudit.Outcome memory o = StorageAudit.Outcome(GROUP, holder, uint32(block.number - 1), false);
        audit.submitOutcome(o, _attest(o, _list(0)));
        uint96 after1 = _stake(holder);
        uint64 end = audit.lastSlashAt(GROUP, holder) + COOLDOWN;
        vm.warp(block.timestamp + 1 hours + 1);
        vm.expectEmit(true, true, true, true);
        emit StorageAudit.SlashSkipped(GROUP, holder, blockhash(seedBlock), end);
        audit.expire(GROUP, holder);
        assertEq(_stake(holder), after1, "one slash inside the cooldown");
        assertFalse(audit.slashed(GROUP, holder, blockhash(seedBlock)));
        assertEq(audit.credit(address(this)), BOND);
    }

    // ------------------------------------------------------------ grace period (review finding 1d)

    function test_GracePeriod_NoFailingRoundBeforeItEnds() public {
        StorageAudit graced = _newAudit(10);
        bytes32 g2 = keccak256("graced group");
        _anchor(g2, root, SIZE);
        address[] memory hs = new address[](1);
        hs[0] = holder;
        graced.assign(g2, root, SIZE, hs);
        (,, uint32 assignedAt,) = graced.groups(g2);
        vm.roll(block.number + 5);
        uint32 early = uint32(block.number - 1);
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.InGracePeriod.selector, early, uint256(assignedAt) + 10));
        graced.challenge{value: BOND}(g2, holder, early, 0);
        StorageAudit.Outcome memory o = StorageAudit.Outcome(g2, holder, early, false);
        ICvmTaskManagerTypes.NonSignerStakesAndSignature memory s = _attestOn(graced, o, _list(0));
        vm.expectRevert(abi.encodeWithSelector(StorageAudit.InGracePeriod.selector, early, uint256(assignedAt) + 10));
        graced.submitOutcome(o, s);
        // a round seeded at the end of the grace period can be challenged
        vm.roll(uint256(assignedAt) + 11);
        graced.challenge{value: BOND}(g2, holder, assignedAt + 10, 0);
    }

    function _attestOn(StorageAudit a, StorageAudit.Outcome memory o, uint256[] memory nonSigners)
        internal
        view
        returns (ICvmTaskManagerTypes.NonSignerStakesAndSignature memory)
    {
        return _attestDigest(
            a.outcomeDigest(o.groupHash, o.holder, blockhash(o.seedBlock), root, o.passed), o.seedBlock, nonSigners
        );
    }
}

/// @dev An account that refuses ether (a challenger contract without `receive`).
contract Refuser {}
