import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ClientData } from '@custody/service-host';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { z } from 'zod/v4';
import { WalletAvailability } from '../host/wallet-availability';
import {
  DepositFacts,
  OPEN_WITHDRAWALS_PAGE_MAX,
  ReviewDeposit,
} from '@custody/wallet-application';
import { identifier, orRefused, parseBody, reason, view } from './wallet-http';

const attribution = z.strictObject({ clientId: identifier, reason });
const attributionDecision = z.strictObject({ decision: z.enum(['approve', 'reject']), reason });

/**
 * Deposits flagged for review (HK-11h): the reviewers' queue; a deposit whose sender is on several
 * clients' proven lists is attributed by one operator's proposal and a different approver's decision.
 */
@Controller('v1/deposits')
export class DepositsController {
  constructor(
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(DepositFacts) private readonly deposits: DepositFacts,
    @Inject(ReviewDeposit) private readonly reviews: ReviewDeposit,
  ) {}

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
    this.availability.assertAvailable();
    const limitOrPage = query.limit ?? OPEN_WITHDRAWALS_PAGE_MAX;
    return { deposits: view(await this.deposits.flaggedDeposits(limitOrPage)) };
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
    this.availability.assertAvailable();
    return view(
      orRefused(await this.reviews.propose(depositId, input.clientId, input.reason, caller.id))
        .state,
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
    this.availability.assertAvailable();
    return view(
      orRefused(await this.reviews.decide(depositId, input.decision, input.reason, caller.id))
        .state,
    );
  }
}
