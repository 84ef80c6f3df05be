import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import {
  CapitalReportQuery,
  ComplianceStatusQuery,
  PolicyClock,
  RecordComminglingExceptionHandler,
} from '@custody/policy-application';
import { acceptedOrRefused, jsonView, parseInput, refusedCommand } from '@custody/service-host';
import { z } from 'zod/v4';
import { PolicyTables } from '../policy-tables';
import { amountMinor, asset, identifier, reason } from './policy-input';

const instant = z.iso.datetime({ offset: true });

/**
 * Compliance as the system checks it (TW-3/4, HK-11g/j, BC-1..4): the rules' answers now with
 * their evidence, the breaches open now or at a past instant, the capital report; commingling
 * exceptions recorded before house assets enter a client wallet.
 */
@Controller('v1')
export class ComplianceController {
  constructor(
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(PolicyClock) private readonly clock: PolicyClock,
    @Inject(ComplianceStatusQuery) private readonly compliance: ComplianceStatusQuery,
    @Inject(CapitalReportQuery) private readonly capital: CapitalReportQuery,
    @Inject(RecordComminglingExceptionHandler)
    private readonly recordCommingling: RecordComminglingExceptionHandler,
  ) {}

  /**
   * Without `at`: every rule now, with evidence, and the open breaches. With `at` (ISO instant):
   * the same as it was then, rebuilt from history (facts recorded by then, the policy version in
   * force then, the breaches open then).
   */
  @Get('compliance')
  @Roles('operator', 'auditor', 'approver')
  async status(@Query('at') at?: string) {
    this.tables.assertReady();
    if (at === undefined) return jsonView(await this.compliance.status());
    const { instant: when } = parseInput(z.strictObject({ instant }), { instant: at }, 'query');
    const asOf = new Date(when).toISOString();
    if (Date.parse(asOf) > Date.parse(this.clock.at()))
      throw refusedCommand(
        {
          code: 'INSTANT_IN_THE_FUTURE',
          path: 'at',
          reason: `${asOf} has not happened yet: without \`at\` for now`,
        },
        'query',
      );
    return jsonView(await this.compliance.statusAt(asOf));
  }

  @Get('capital-report')
  @Roles('auditor', 'approver', 'admin')
  async capitalReport() {
    this.tables.assertReady();
    const report = await this.capital.report();
    if (report === undefined)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'TIER1_CAPITAL_NOT_CONFIGURED',
        reason: 'set POLICY_TIER1_CAPITAL for the BC-3 report',
      });
    return report;
  }

  @Post('commingling-exceptions')
  @HttpCode(201)
  @Roles('operator')
  async recordException(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        exceptionId: identifier,
        walletId: identifier,
        asset,
        amountMinor,
        purpose: z.string().max(64),
        reason,
      }),
      body,
    );
    this.tables.assertReady();
    acceptedOrRefused(
      await this.recordCommingling.handle({
        ...input,
        amountMinor: BigInt(input.amountMinor),
        by: caller.id,
      }),
    );
    return { exceptionId: input.exceptionId, recorded: true };
  }
}
