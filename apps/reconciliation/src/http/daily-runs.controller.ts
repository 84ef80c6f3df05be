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
} from '@nestjs/common';
import { Roles } from '@custody/auth';
import {
  csvLine,
  DailyRuns,
  dailyRunSummary,
  LINES_PAGE_MAX,
} from '@custody/reconciliation-application';
import { ClientData, parseInput, refusal } from '@custody/service-host';
import { z } from 'zod/v4';
import { ReconciliationTables } from '../host/reconciliation-tables';
import { BusinessDays } from './business-days';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'a real day');
const runId = z.string().regex(/^[A-Z]{2}:\d{4}-\d{2}-\d{2}@\d{1,19}$/);
/** Lines of one CSV report (a larger run is paged through the JSON lines). */
export const CSV_LINES_MAX = LINES_PAGE_MAX;

/**
 * TW-13 daily balance runs: an operator runs a business day; operators and auditors read the
 * runs of a day (totals, input point, line digest) and their lines, as JSON pages or CSV.
 */
@Controller('v1/daily-runs')
export class DailyRunsController {
  constructor(
    @Inject(ReconciliationTables) private readonly tables: ReconciliationTables,
    @Inject(BusinessDays) private readonly businessDays: BusinessDays,
    @Inject(DailyRuns) private readonly dailyRuns: DailyRuns,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  async run(@Body() body: unknown) {
    const { businessDay } = parseInput(z.strictObject({ businessDay: day }), body);
    this.businessDays.assertNotFuture(businessDay);
    this.tables.assertReady();
    const { recorded, run } = await this.dailyRuns.run(businessDay);
    return {
      ...recorded,
      movementsCounted: run.movementsCounted,
      movementsDeferred: run.movementsDeferred,
    };
  }

  @Get()
  @Roles('operator', 'auditor')
  async list(@Query('businessDay') businessDay?: string) {
    const input = parseInput(z.strictObject({ businessDay: day }), { businessDay }, 'query');
    this.tables.assertReady();
    return {
      businessDay: input.businessDay,
      runs: await this.dailyRuns.recordedRuns(input.businessDay),
    };
  }

  @ClientData()
  @Get(':runId/lines')
  @Roles('operator', 'auditor')
  async lines(
    @Param('runId') id: string,
    @Query('limit') limit?: string,
    @Query('afterClient') afterClient?: string,
    @Query('afterAsset') afterAsset?: string,
  ) {
    const { runId: run } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    const query = parseInput(
      z.strictObject({
        limit: z
          .string()
          .regex(/^[1-9][0-9]{0,4}$/)
          .transform(Number)
          .pipe(z.int().max(LINES_PAGE_MAX))
          .optional(),
      }),
      limit === undefined ? {} : { limit },
      'query',
    );
    const pageLimit = query.limit ?? 1_000;
    this.tables.assertReady();
    const lines = await this.dailyRuns.lines(
      run,
      pageLimit,
      afterClient === undefined ? undefined : { clientId: afterClient, asset: afterAsset ?? '' },
    );
    const last = lines.at(-1);
    return {
      runId: run,
      lines,
      next:
        lines.length === pageLimit && last !== undefined
          ? { afterClient: last.clientId, afterAsset: last.asset }
          : null,
    };
  }

  @ClientData()
  @Get(':runId/report.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Roles('operator', 'auditor')
  async csv(@Param('runId') id: string): Promise<string> {
    const { runId: run } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    this.tables.assertReady();
    const lines = await this.dailyRuns.lines(run, CSV_LINES_MAX);
    return (
      [
        csvLine(['client_id', 'asset', 'balance_minor', 'counted_minor']),
        ...lines.map((line) =>
          csvLine([line.clientId, line.asset, line.balanceMinor, line.countedMinor]),
        ),
      ].join('\n') + '\n'
    );
  }

  @Get(':runId/summary.txt')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Roles('operator', 'auditor')
  async summary(@Param('runId') id: string): Promise<string> {
    const { runId: run } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    const businessDay = run.slice(3, 13);
    this.tables.assertReady();
    const recorded = (await this.dailyRuns.recordedRuns(businessDay)).find(
      (entry) => entry.runId === run,
    );
    if (recorded === undefined)
      throw refusal({
        code: 'DAILY_RUN_UNKNOWN',
        reason: `no run ${run}`,
      });
    return dailyRunSummary(recorded);
  }
}
