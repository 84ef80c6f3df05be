import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ClientData, refusal } from '@custody/service-host';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { z } from 'zod/v4';
import { WalletAvailability } from '../host/wallet-availability';
import {
  AllowListFacts,
  OPEN_WITHDRAWALS_PAGE_MAX,
  PolicyUnavailableError,
  ProgressWithdrawal,
  RequestWithdrawal,
  WithdrawalFacts,
} from '@custody/wallet-application';
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
const cancellation = z.strictObject({ reason });

/**
 * Withdrawals and their quorum (HK-11d/e, TW-17.4): an operator requests; custodians holding
 * access to the wallet's key read the decoded transaction and its payload hash and approve that
 * exact hash as themselves; the service signs in the HSM once the quorum and the ledger's hold
 * allow.
 */
@Controller('v1/withdrawals')
export class WithdrawalsController {
  constructor(
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(RequestWithdrawal) private readonly requests: RequestWithdrawal,
    @Inject(ProgressWithdrawal) private readonly progress: ProgressWithdrawal,
    @Inject(WithdrawalFacts) private readonly withdrawals: WithdrawalFacts,
    @Inject(AllowListFacts) private readonly allowLists: AllowListFacts,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  async request(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseBody(withdrawal, body);
    const { requestId, walletId, ...rest } = input;
    this.availability.assertAvailable();
    const requested = await this.requests
      .execute(
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
    this.availability.assertAvailable();
    const open = await this.withdrawals.openWithdrawals(
      query.status,
      query.limit ?? OPEN_WITHDRAWALS_PAGE_MAX,
    );
    return { withdrawals: view(open) };
  }

  /** TW-17.4: what the custodians review: the decoded content, the payload hash, who approved. */
  @ClientData()
  @Get(':withdrawalId')
  @Roles('operator', 'key-custodian', 'auditor')
  async get(@Param('withdrawalId') withdrawalId: string) {
    this.availability.assertAvailable();
    const state = await this.withdrawals.withdrawal(withdrawalId);
    if (state === undefined)
      throw refusal({
        code: 'WITHDRAWAL_UNKNOWN',
        path: 'path.withdrawalId',
        reason: `no withdrawal ${withdrawalId}`,
      });
    // HK-11h: how, through whom, by whom and when the destination was proven (null: an internal transfer, or no longer listed)
    return view({ ...state, destinationProof: await this.allowLists.destinationProvenance(state) });
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
    this.availability.assertAvailable();
    const result = orRefused(
      await this.progress.approveSigning(withdrawalId, payloadHash, caller.id),
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
    this.availability.assertAvailable();
    return view(orRefused(await this.progress.cancel(withdrawalId, why, caller.id)).state);
  }
}
