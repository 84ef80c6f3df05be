import { ClientData } from '@custody/service-host';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { OPEN_WITHDRAWALS_PAGE_MAX, PolicyUnavailableError } from '@custody/wallet-application';
import { allowListedAddress, type AllowListState } from '@custody/wallet-domain';
import { z } from 'zod/v4';
import { WALLET_CONFIG, type WalletConfig } from '../wallet-config';
import { WalletRuntime } from '../wallet-runtime';
import { additionChannelOr403 } from './address-channel';
import {
  amountMinor,
  asset,
  chain,
  evmAddress,
  hex32,
  identifier,
  orRefused,
  parseBody,
  reason,
  view,
} from './wallet-http';

const withdrawal = z.strictObject({
  withdrawalId: identifier,
  requestId: identifier.optional(),
  clientId: identifier,
  asset,
  amountMinor,
  chain,
  destinationAddress: evmAddress,
  walletId: identifier.optional(),
});
const approval = z.strictObject({ payloadHash: hex32 });
const openQuery = z.strictObject({
  status: z.enum(['awaiting-payload', 'awaiting-approval', 'signed', 'broadcast']).optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/)
    .transform(Number)
    .pipe(z.int().max(OPEN_WITHDRAWALS_PAGE_MAX))
    .optional(),
});
const internalTransfer = z.strictObject({
  transferId: identifier,
  sourceWalletId: identifier,
  destinationWalletId: identifier,
  asset,
  amountMinor,
});
const cancellation = z.strictObject({ reason });
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
 * Withdrawals and their quorum (HK-11d/e, TW-17.4): an operator requests; custodians holding
 * access to the wallet's key read the decoded transaction and its payload hash and approve that
 * exact hash as themselves; the service signs in the HSM once the quorum and the ledger's hold
 * allow.
 */
@Controller('v1/withdrawals')
export class WithdrawalsController {
  constructor(@Inject(WalletRuntime) private readonly runtime: WalletRuntime) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  async request(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseBody(withdrawal, body);
    const { requestId, walletId, ...rest } = input;
    const requested = await this.runtime
      .service()
      .requestWithdrawal(
        {
          ...rest,
          requestId: requestId ?? input.withdrawalId,
          amountMinor: BigInt(input.amountMinor),
          ...(walletId === undefined ? {} : { walletId }),
        },
        caller.id,
      )
      .catch((error: unknown) => {
        // nothing recorded: the operator may ask again once the policy service answers
        if (error instanceof PolicyUnavailableError)
          throw new ServiceUnavailableException({
            statusCode: 503,
            code: error.code,
            reason: error.message,
          });
        throw error;
      });
    return view(orRefused(requested).state);
  }

  /** The open withdrawals and internal transfers; `status=awaiting-approval` is the custodians' queue. */
  @ClientData()
  @Get()
  @Roles('operator', 'key-custodian', 'auditor')
  async list(@Query('status') status?: string, @Query('limit') limit?: string) {
    const query = parseBody(
      openQuery,
      { ...(status === undefined ? {} : { status }), ...(limit === undefined ? {} : { limit }) },
      'query',
    );
    const open = await this.runtime
      .service()
      .openWithdrawals(query.status, query.limit ?? OPEN_WITHDRAWALS_PAGE_MAX);
    return { withdrawals: view(open) };
  }

  /** TW-17.4: what the custodians review: the decoded content, the payload hash, who approved. */
  @ClientData()
  @Get(':withdrawalId')
  @Roles('operator', 'key-custodian', 'auditor')
  async get(@Param('withdrawalId') withdrawalId: string) {
    const service = this.runtime.service();
    const state = await service.withdrawal(withdrawalId);
    if (state === undefined)
      throw new NotFoundException({
        statusCode: 404,
        code: 'WITHDRAWAL_UNKNOWN',
        path: 'path.withdrawalId',
        reason: `no withdrawal ${withdrawalId}`,
      });
    // HK-11h: how, through whom, by whom and when the destination was proven (null: an internal transfer, or no longer listed)
    return view({ ...state, destinationProof: await service.destinationProvenance(state) });
  }

  @Post(':withdrawalId/approvals')
  @HttpCode(201)
  @Roles('key-custodian')
  async approve(
    @Param('withdrawalId') withdrawalId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const { payloadHash } = parseBody(approval, body);
    const result = orRefused(
      await this.runtime.service().approveSigning(withdrawalId, payloadHash, caller.id),
    );
    return {
      withdrawalId,
      approvedBy: caller.id,
      payloadHash,
      events: result.events.map((event) => event.type),
    };
  }

  @Post(':withdrawalId/cancellation')
  @HttpCode(200)
  @Roles('operator')
  async cancel(
    @Param('withdrawalId') withdrawalId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const { reason: why } = parseBody(cancellation, body);
    return view(
      orRefused(await this.runtime.service().cancelWithdrawal(withdrawalId, why, caller.id)).state,
    );
  }
}

/**
 * Transfers between our own wallets (TW-15.4: cold-to-hot, hot-to-cold): requested by an
 * operator, reviewed and approved like a withdrawal (GET and approvals under /v1/withdrawals/:id,
 * the transfer id being the movement id), signed once the quorum holds; no client, no hold.
 */
@Controller('v1/internal-transfers')
export class InternalTransfersController {
  constructor(@Inject(WalletRuntime) private readonly runtime: WalletRuntime) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  async request(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseBody(internalTransfer, body);
    return view(
      orRefused(
        await this.runtime
          .service()
          .requestInternalTransfer({ ...input, amountMinor: BigInt(input.amountMinor) }, caller.id),
      ).state,
    );
  }
}

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
    @Inject(WalletRuntime) private readonly runtime: WalletRuntime,
    @Inject(WALLET_CONFIG) private readonly config: WalletConfig,
  ) {}

  @Get()
  @Roles('operator', 'approver', 'auditor')
  async get(@Param('clientId') clientId: string) {
    const state = await this.runtime.service().allowList(identifierOf(clientId));
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
    const result = orRefused(
      await this.runtime
        .service()
        .issueOwnershipChallenge(
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
    const result = orRefused(
      await this.runtime
        .service()
        .proveOwnershipBySignature(
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
    const result = orRefused(
      await this.runtime
        .service()
        .decideAddressAddition(
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
    const result = orRefused(
      await this.runtime
        .service()
        .removeAllowListedAddress(
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

const attribution = z.strictObject({ clientId: identifier, reason });
const attributionDecision = z.strictObject({ decision: z.enum(['approve', 'reject']), reason });

/**
 * Deposits flagged for review (HK-11h): the reviewers' queue; a deposit whose sender is on several
 * clients' proven lists is attributed by one operator's proposal and a different approver's decision.
 */
@Controller('v1/deposits')
export class DepositsController {
  constructor(@Inject(WalletRuntime) private readonly runtime: WalletRuntime) {}

  @ClientData()
  @Get('flagged')
  @Roles('operator', 'approver', 'auditor')
  async flagged(@Query('limit') limit?: string) {
    const query = parseBody(
      z.strictObject({
        limit: z
          .string()
          .regex(/^[1-9][0-9]{0,2}$/)
          .transform(Number)
          .pipe(z.int().max(OPEN_WITHDRAWALS_PAGE_MAX))
          .optional(),
      }),
      limit === undefined ? {} : { limit },
      'query',
    );
    return {
      deposits: view(
        await this.runtime.service().flaggedDeposits(query.limit ?? OPEN_WITHDRAWALS_PAGE_MAX),
      ),
    };
  }

  @Post(':depositId/attribution')
  @HttpCode(201)
  @Roles('operator')
  async propose(
    @Param('depositId') depositId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const input = parseBody(attribution, body);
    return view(
      orRefused(
        await this.runtime
          .service()
          .proposeDepositAttribution(depositId, input.clientId, input.reason, caller.id),
      ).state,
    );
  }

  @Post(':depositId/attribution/decision')
  @HttpCode(200)
  @Roles('approver')
  async decide(
    @Param('depositId') depositId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const input = parseBody(attributionDecision, body);
    return view(
      orRefused(
        await this.runtime
          .service()
          .decideDepositAttribution(depositId, input.decision, input.reason, caller.id),
      ).state,
    );
  }
}
