import { Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { Roles } from '@custody/auth';
import type { ChainReader } from '@custody/chain';
import { OnChainChecksQuery, RunOnChainCheckHandler } from '@custody/policy-application';
import { jsonView, parseInput } from '@custody/service-host';
import { z } from 'zod/v4';
import { PolicyTables } from '../policy-tables';
import { POLICY_CHAIN_READERS } from '../policy-tokens';

/** On-chain checks listed at most (a few years of monthly checks). */
export const ONCHAIN_CHECKS_PAGE_MAX = 120;

/** TW-14 (last paragraph): the cold storage ratios and the TW-4 cap checked on chain, and the checks recorded. */
@Controller('v1')
export class OnChainChecksController {
  constructor(
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(RunOnChainCheckHandler) private readonly runCheck: RunOnChainCheckHandler,
    @Inject(OnChainChecksQuery) private readonly checks: OnChainChecksQuery,
    @Inject(POLICY_CHAIN_READERS) private readonly readers: readonly ChainReader[],
  ) {}

  /** Run the on-chain check now (it also runs on its own at least monthly). */
  @Post('onchain-checks')
  @HttpCode(201)
  @Roles('operator')
  async onChainCheck() {
    this.tables.assertReady();
    return jsonView(await this.runCheck.handle(this.readers));
  }

  @Get('onchain-checks')
  @Roles('operator', 'auditor', 'approver')
  async onChainChecks(@Query('limit') limit?: string) {
    const query = parseInput(
      z.strictObject({
        limit: z
          .string()
          .regex(/^[1-9][0-9]{0,2}$/)
          .transform(Number)
          .pipe(z.int().max(ONCHAIN_CHECKS_PAGE_MAX))
          .optional(),
      }),
      limit === undefined ? {} : { limit },
      'query',
    );
    this.tables.assertReady();
    return { checks: jsonView(await this.checks.recent(query.limit ?? 12)) };
  }
}
