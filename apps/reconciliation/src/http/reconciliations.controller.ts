import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseFilters,
} from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import {
  Discrepancies,
  OPEN_DISCREPANCIES_MAX,
  reconciliationCsv,
  ReconciliationRunFacts,
  ReconciliationRunsQuery,
  reconciliationSummary,
  RunReconciliation,
} from '@custody/reconciliation-application';
import {
  acceptedOrRefused,
  jsonView,
  parseInput,
  refusal,
  LostRaceFilter,
} from '@custody/service-host';
import { z } from 'zod/v4';
import { ReconciliationTables } from '../host/reconciliation-tables';
import { BusinessDays } from './business-days';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'a real day');
const runId = z
  .string()
  .regex(/^[A-Z]{2}:\d{4}-\d{2}-\d{2}:tw14@\d{1,19}@[a-z0-9.+-]{1,400}@[0-9a-f]{16}$/);
const discrepancyId = z
  .string()
  .regex(
    /^DSC-\d{4}-\d{2}-\d{2}-[A-Z0-9]{2,16}-(on-chain|wallet-records|trust-account|unrecorded)-(shortfall|surplus)(-[1-9][0-9]{0,5})?$/,
  );
const text = z.string().trim().min(1).max(2_000);
/** Discrepancies listed per page at most. */
export const DISCREPANCIES_PAGE_MAX = 500;

/**
 * TW-14 / HK-21 reconciliation runs and their discrepancies: an operator runs a business day;
 * operators and auditors read each run as JSON, CSV or a summary for people; operators work a
 * discrepancy with notes, an explanation of its cause and, for a shortfall, the top-up made
 * (closed only when a later run finds the chain whole).
 */
@Controller('v1')
@UseFilters(LostRaceFilter)
export class ReconciliationsController {
  constructor(
    @Inject(ReconciliationTables) private readonly tables: ReconciliationTables,
    @Inject(BusinessDays) private readonly businessDays: BusinessDays,
    @Inject(RunReconciliation) private readonly runReconciliation: RunReconciliation,
    @Inject(ReconciliationRunsQuery) private readonly runs: ReconciliationRunsQuery,
    @Inject(ReconciliationRunFacts) private readonly runFacts: ReconciliationRunFacts,
    @Inject(Discrepancies) private readonly discrepancyRecord: Discrepancies,
  ) {}

  @Post('reconciliation-runs')
  @HttpCode(201)
  @Roles('operator')
  async run(@Body() body: unknown) {
    const { businessDay } = parseInput(z.strictObject({ businessDay: day }), body);
    this.businessDays.assertNotFuture(businessDay);
    this.tables.assertReady();
    return jsonView(await this.runReconciliation.handle(businessDay));
  }

  @Get('reconciliation-runs')
  @Roles('operator', 'auditor')
  async list(@Query('businessDay') businessDay?: string) {
    const input = parseInput(z.strictObject({ businessDay: day }), { businessDay }, 'query');
    this.tables.assertReady();
    return {
      businessDay: input.businessDay,
      runs: jsonView(await this.runs.runs(input.businessDay)),
    };
  }

  @Get('reconciliation-runs/:runId')
  @Roles('operator', 'auditor')
  async report(@Param('runId') id: string) {
    const run = await this.find(id);
    const discrepancies = await Promise.all(
      run.differences.map((difference) =>
        this.discrepancyRecord.discrepancy(difference.discrepancyId),
      ),
    );
    return jsonView({
      ...run,
      discrepancies: discrepancies.filter((state) => state !== undefined),
    });
  }

  @Get('reconciliation-runs/:runId/report.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Roles('operator', 'auditor')
  async csv(@Param('runId') id: string): Promise<string> {
    return reconciliationCsv(await this.find(id));
  }

  @Get('reconciliation-runs/:runId/summary.txt')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Roles('operator', 'auditor')
  async summary(@Param('runId') id: string): Promise<string> {
    const run = await this.find(id);
    return reconciliationSummary(
      run,
      await this.discrepancyRecord.list('open', OPEN_DISCREPANCIES_MAX),
    );
  }

  /** The wallet service's records of client-segregated wallets as reconciliation holds them (now, or before `before`). */
  @Get('wallet-records')
  @Roles('operator', 'auditor')
  async walletRecords(@Query('before') before?: string) {
    const query = parseInput(
      z.strictObject({ before: z.iso.datetime({ offset: true }).optional() }),
      before === undefined ? {} : { before },
      'query',
    );
    const instant =
      query.before === undefined ? new Date().toISOString() : new Date(query.before).toISOString();
    this.tables.assertReady();
    return {
      before: instant,
      records: jsonView(await this.runFacts.walletRecords(instant)),
    };
  }

  @Get('discrepancies')
  @Roles('operator', 'auditor')
  async discrepancies(@Query('status') status?: string, @Query('limit') limit?: string) {
    const query = parseInput(
      z.strictObject({
        status: z.enum(['open', 'closed', 'all']).default('open'),
        limit: z
          .string()
          .regex(/^[1-9][0-9]{0,3}$/)
          .transform(Number)
          .pipe(z.int().max(DISCREPANCIES_PAGE_MAX))
          .optional(),
      }),
      { ...(status === undefined ? {} : { status }), ...(limit === undefined ? {} : { limit }) },
      'query',
    );
    this.tables.assertReady();
    return {
      status: query.status,
      discrepancies: jsonView(await this.discrepancyRecord.list(query.status, query.limit ?? 100)),
    };
  }

  @Get('discrepancies/:id')
  @Roles('operator', 'auditor')
  async discrepancy(@Param('id') id: string) {
    const { discrepancyId: known } = parseInput(
      z.strictObject({ discrepancyId }),
      { discrepancyId: id },
      'path',
    );
    this.tables.assertReady();
    const state = await this.discrepancyRecord.discrepancy(known);
    if (state === undefined)
      throw refusal({
        code: 'DISCREPANCY_UNKNOWN',
        reason: `no discrepancy ${known}`,
      });
    return jsonView(state);
  }

  @Post('discrepancies/:id/notes')
  @HttpCode(201)
  @Roles('operator')
  async note(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    const { note } = parseInput(z.strictObject({ note: text }), body);
    return this.act(id, {
      type: 'AddInvestigationNote',
      note,
      by: caller.id,
      at: new Date().toISOString(),
    });
  }

  @Post('discrepancies/:id/explanation')
  @HttpCode(200)
  @Roles('operator')
  async explain(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    const { cause } = parseInput(z.strictObject({ cause: text }), body);
    return this.act(id, {
      type: 'ExplainDiscrepancy',
      cause,
      by: caller.id,
      at: new Date().toISOString(),
    });
  }

  @Post('discrepancies/:id/top-ups')
  @HttpCode(201)
  @Roles('operator')
  async topUp(@Param('id') id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        amountMinor: z.string().regex(/^[1-9][0-9]{0,37}$/),
        reference: z.string().trim().min(1).max(200),
      }),
      body,
    );
    return this.act(id, {
      type: 'RecordTopUp',
      amountMinor: BigInt(input.amountMinor),
      reference: input.reference,
      by: caller.id,
      at: new Date().toISOString(),
    });
  }

  /** An operator's act on a known discrepancy: its state after, or the refusal (REFUSAL_STATUS: 404, 409 or 422, with its code). */
  private async act(id: string, command: Parameters<Discrepancies['act']>[1]) {
    const { discrepancyId: known } = parseInput(
      z.strictObject({ discrepancyId }),
      { discrepancyId: id },
      'path',
    );
    this.tables.assertReady();
    return jsonView(acceptedOrRefused(await this.discrepancyRecord.act(known, command)).state);
  }

  private async find(id: string) {
    const { runId: known } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    this.tables.assertReady();
    const run = await this.runs.findRun(known);
    if (run === undefined)
      throw refusal({
        code: 'RECONCILIATION_RUN_UNKNOWN',
        reason: `no run ${known}`,
      });
    return run;
  }
}
