import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { z } from 'zod/v4';
import { WalletAvailability } from '../host/wallet-availability';
import {
  AllowListFacts,
  DecideAddressAddition,
  IssueOwnershipChallenge,
  ProveOwnershipBySignature,
  RemoveAllowListedAddress,
} from '@custody/wallet-application';
import { allowListedAddress, type AllowListState } from '@custody/wallet-domain';
import { WALLET_CONFIG, type WalletConfig } from '../wallet-config';
import { additionChannelOr403 } from './address-channel';
import { chain, evmAddress, identifier, orRefused, parseBody, reason, view } from './wallet-http';

/** `reason`: why staff add the address (required from an operator; the client's channel gives none). */
const challenge = z.strictObject({
  challengeId: identifier,
  chain,
  address: evmAddress,
  method: z.enum(['signed-message', 'micro-payment']),
  reason: reason.optional(),
});
const additionDecision = z.strictObject({ decision: z.enum(['approve', 'reject']), reason });
const signatureProof = z.strictObject({ signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/) });
const removal = z.strictObject({ chain, address: evmAddress, reason });

/**
 * Client allow-lists with proof of ownership (HK-11h). A client's own address comes through the
 * client's channel: the exchange's service identity (role custody-service, a subject of
 * WALLET_EXCHANGE_SUBJECTS) asks for the challenge and forwards the client's signature (or the
 * client pays the micro-payment); it is listed, usable after the cooling-off. An operator may do
 * the same with a reason, but then the address waits for an approver (a different person); so
 * does an address already another client's or one of our wallets.
 */
@Controller('v1/clients/:clientId/allow-list')
export class AllowListController {
  constructor(
    @Inject(WALLET_CONFIG) private readonly config: WalletConfig,
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(AllowListFacts) private readonly allowLists: AllowListFacts,
    @Inject(IssueOwnershipChallenge) private readonly challenges: IssueOwnershipChallenge,
    @Inject(ProveOwnershipBySignature) private readonly signatureProofs: ProveOwnershipBySignature,
    @Inject(DecideAddressAddition) private readonly additionDecisions: DecideAddressAddition,
    @Inject(RemoveAllowListedAddress) private readonly removals: RemoveAllowListedAddress,
  ) {}

  @Get()
  @Roles('operator', 'approver', 'auditor')
  async get(@Param('clientId') clientId: string) {
    this.availability.assertAvailable();
    const state = await this.allowLists.allowList(identifierOf(clientId));
    return {
      clientId,
      addresses: view(state.addresses),
      pending: view(state.pending),
      challenges: view(state.challenges),
    };
  }

  /** The challenge to sign (its exact text) or the micro-payment to make (amount and receiving address). */
  @Post('challenges')
  @HttpCode(201)
  @Roles('custody-service', 'operator')
  async issue(
    @Param('clientId') clientId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const channel = additionChannelOr403(caller, this.config.addressAdditions.exchangeSubjects);
    const { reason: why, ...input } = parseBody(challenge, body);
    this.availability.assertAvailable();
    const result = orRefused(
      await this.challenges.execute(
        { ...input, clientId: identifierOf(clientId), channel, reason: why ?? null },
        caller.id,
      ),
    );
    return view(result.state.challenges.get(input.challengeId));
  }

  /** The proof: `listed` (usable from `usableFrom`) or `awaiting-approval` with the codes of why (an approver decides). */
  @Post('challenges/:challengeId/signature')
  @HttpCode(200)
  @Roles('custody-service', 'operator')
  async prove(
    @Param('clientId') clientId: string,
    @Param('challengeId') challengeId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const channel = additionChannelOr403(caller, this.config.addressAdditions.exchangeSubjects);
    const { signature } = parseBody(signatureProof, body);
    this.availability.assertAvailable();
    const result = orRefused(
      await this.signatureProofs.execute(
        identifierOf(clientId),
        challengeId,
        signature,
        caller.id,
        channel,
      ),
    );
    return { clientId, challengeId, proven: true, ...additionOutcome(result.state, challengeId) };
  }

  /** HK-11h maker-checker: an approver (not who asked or handed in the proof) lists a held address or rejects it, with a reason. */
  @Post('additions/:challengeId/decision')
  @HttpCode(200)
  @Roles('approver')
  async decide(
    @Param('clientId') clientId: string,
    @Param('challengeId') challengeId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const input = parseBody(additionDecision, body);
    this.availability.assertAvailable();
    const result = orRefused(
      await this.additionDecisions.execute(
        identifierOf(clientId),
        challengeId,
        input.decision,
        input.reason,
        caller.id,
      ),
    );
    return { clientId, challengeId, ...additionOutcome(result.state, challengeId) };
  }

  @Post('removals')
  @HttpCode(200)
  @Roles('operator')
  async remove(
    @Param('clientId') clientId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const input = parseBody(removal, body);
    this.availability.assertAvailable();
    const result = orRefused(
      await this.removals.execute(
        identifierOf(clientId),
        input.chain,
        input.address,
        input.reason,
        caller.id,
      ),
    );
    return { clientId, addresses: view(result.state.addresses) };
  }
}

/** Where an addition stands after a proof or a decision: listed (with when it becomes usable), waiting (with the codes of why), or rejected. */
function additionOutcome(state: AllowListState, challengeId: string) {
  const challenge = state.challenges.get(challengeId);
  const pending = state.pending.get(challengeId);
  const entry =
    challenge === undefined
      ? undefined
      : allowListedAddress(state, challenge.chain, challenge.address);
  if (pending !== undefined)
    return {
      status: 'awaiting-approval',
      code: pending.holds[0]?.code,
      holds: view(pending.holds),
    };
  if (challenge?.status === 'listed' && entry !== undefined)
    return { status: 'listed', usableFrom: entry.usableFrom, address: view(entry) };
  return { status: challenge?.status ?? 'unknown' };
}

function identifierOf(value: string): string {
  return parseBody(z.strictObject({ clientId: identifier }), { clientId: value }, 'path').clientId;
}
