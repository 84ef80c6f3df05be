import { Body, Controller, Get, Header, HttpCode, Inject, NotFoundException, Param, Post, Query, UnprocessableEntityException } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { csvLine, fiatRunSummary, OPEN_DISCREPANCIES_MAX } from '@custody/reconciliation-application';
import { jsonView, parseInput } from '@custody/service-host';
import { z } from 'zod/v4';
import { ReconciliationRuntime } from '../reconciliation-runtime';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'a real day');
const currency = z.string().regex(/^[A-Z]{3}$/);
const runId = z.string().regex(/^[A-Z]{2}:\d{4}-\d{2}-\d{2}:fiat-[A-Z]{3}@\d{1,19}@[0-9a-f]{16}$/);
/** A statement file's size at most (a busy month of a trust account as CSV). */
export const STATEMENT_CSV_LENGTH_MAX = 10_000_000;
/** Client lines of one fiat CSV report. */
export const FIAT_CSV_LINES_MAX = 100_000;

/**
 * TW-10 / TW-11, client fiat in trust: an operator imports each trust account's bank statement
 * (CSV) and runs a business day per currency; operators and auditors read the runs and their
 * per-client lines. A shortfall is a discrepancy worked like the others (GET /v1/discrepancies).
 */
@Controller('v1')
export class FiatTrustController {
  constructor(@Inject(ReconciliationRuntime) private readonly runtime: ReconciliationRuntime) {}

  @Post('trust-statements')
  @HttpCode(201)
  @Roles('operator')
  async importStatement(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        accountId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
        currency,
        from: z.iso.datetime({ offset: true }),
        to: z.iso.datetime({ offset: true }),
        openingBalanceMinor: z.string().regex(/^-?(0|[1-9][0-9]{0,37})$/),
        csv: z.string().min(1).max(STATEMENT_CSV_LENGTH_MAX),
      }),
      body,
    );
    const imported = await this.runtime.fiatRuns().importStatement({ ...input, openingBalanceMinor: BigInt(input.openingBalanceMinor), by: caller.id });
    if (!imported.ok) throw new UnprocessableEntityException({ statusCode: 422, code: imported.error.code, path: `body.${imported.error.path}`, reason: imported.error.reason, ...(imported.error.problems === undefined ? {} : { problems: imported.error.problems }) });
    return jsonView(imported.statement);
  }

  @Post('fiat-runs')
  @HttpCode(201)
  @Roles('operator')
  async run(@Body() body: unknown) {
    const input = parseInput(z.strictObject({ businessDay: day, currency }), body);
    this.runtime.assertNotFuture(input.businessDay);
    return jsonView(await this.runtime.fiatRuns().run(input.businessDay, input.currency));
  }

  @Get('fiat-runs')
  @Roles('operator', 'auditor')
  async list(@Query('businessDay') businessDay?: string, @Query('currency') code?: string) {
    const input = parseInput(z.strictObject({ businessDay: day, currency }), { businessDay, currency: code }, 'query');
    return { ...input, runs: jsonView(await this.runtime.fiatRuns().runs(input.businessDay, input.currency)) };
  }

  @Get('fiat-runs/:runId/report.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Roles('operator', 'auditor')
  async csv(@Param('runId') id: string): Promise<string> {
    const { runId: known } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    const lines = await this.runtime.fiatRuns().lines(known, FIAT_CSV_LINES_MAX);
    return [csvLine(['client_id', 'balance_minor', 'counted_minor']), ...lines.map((line) => csvLine([line.clientId, line.balanceMinor, line.countedMinor]))].join('\n') + '\n';
  }

  @Get('fiat-runs/:runId/summary.txt')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Roles('operator', 'auditor')
  async summary(@Param('runId') id: string): Promise<string> {
    const { runId: known } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    const [, businessDay = '', code = ''] = /^[A-Z]{2}:(\d{4}-\d{2}-\d{2}):fiat-([A-Z]{3})@/.exec(known) ?? [];
    const run = (await this.runtime.fiatRuns().runs(businessDay, code)).find((entry) => entry.runId === known);
    if (run === undefined) throw new NotFoundException({ statusCode: 404, code: 'FIAT_RUN_UNKNOWN', reason: `no run ${known}` });
    return fiatRunSummary(run, await this.runtime.discrepancies().list('open', OPEN_DISCREPANCIES_MAX));
  }
}
