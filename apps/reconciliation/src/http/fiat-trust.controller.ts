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
  csvLine,
  DecideTrustAccount,
  DecideTrustStatement,
  Discrepancies,
  FiatTrustQuery,
  fiatRunSummary,
  ImportTrustStatement,
  OPEN_DISCREPANCIES_MAX,
  RequestTrustAccount,
  RunFiatTrust,
} from '@custody/reconciliation-application';
import type { RefusalCode } from '@custody/contracts';
import { ClientData, jsonView, parseInput, refusal, LostRaceFilter } from '@custody/service-host';
import { z } from 'zod/v4';
import { ReconciliationTables } from '../host/reconciliation-tables';
import { BusinessDays } from './business-days';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'a real day');
const currency = z.string().regex(/^[A-Z]{3}$/);
const runId = z.string().regex(/^[A-Z]{2}:\d{4}-\d{2}-\d{2}:fiat-[A-Z]{3}@\d{1,19}@[0-9a-f]{16}$/);
/** A statement file's size at most (a busy month of a trust account as CSV). */
export const STATEMENT_CSV_LENGTH_MAX = 10_000_000;
/** Client lines of one fiat CSV report. */
export const FIAT_CSV_LINES_MAX = 100_000;

/** A bank's account id: narrower than the HTTP identifier (no `:` or `/`, at most 64), as the statement id embeds it. */
const accountId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const statementId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z:[0-9a-f]{16}$/,
  );
const minorAmount = z.string().regex(/^-?(0|[1-9][0-9]{0,37})$/);
/** What a registration or a rejection may say at most. */
export const TRUST_TEXT_LENGTH_MAX = 500;
const rejection = z.strictObject({ reason: z.string().trim().min(1).max(TRUST_TEXT_LENGTH_MAX) });

/** A refused command, with its status from REFUSAL_STATUS; a field of the path is named as such, any other as the body's. */
function refused(
  error: {
    readonly code: RefusalCode;
    readonly path: string;
    readonly reason: string;
    readonly problems?: readonly unknown[];
  },
  pathFields: readonly string[] = [],
) {
  const path = pathFields.includes(error.path) ? `path.${error.path}` : `body.${error.path}`;
  return refusal({
    code: error.code,
    path,
    reason: error.reason,
    ...(error.problems === undefined ? {} : { problems: error.problems }),
  });
}

/**
 * TW-10 / TW-11, client fiat in trust. No single person can hide a shortfall: an operator asks to
 * register a trust account (its bank and the balance it opens at) and an approver, another person,
 * approves or rejects it; an operator imports each bank statement (CSV) of an approved account,
 * recorded pending, and it counts in the runs only once an approver other than the importer
 * approves it; a statement opens at the previous approved statement's closing balance (the first
 * at the registered one). An operator runs a business day per currency; operators and auditors
 * read the runs and their per-client lines. A shortfall is a discrepancy worked like the others
 * (GET /v1/discrepancies).
 */
@Controller('v1')
@UseFilters(LostRaceFilter)
export class FiatTrustController {
  constructor(
    @Inject(ReconciliationTables) private readonly tables: ReconciliationTables,
    @Inject(BusinessDays) private readonly businessDays: BusinessDays,
    @Inject(RequestTrustAccount) private readonly accountRequests: RequestTrustAccount,
    @Inject(DecideTrustAccount) private readonly accountDecisions: DecideTrustAccount,
    @Inject(ImportTrustStatement) private readonly statementImports: ImportTrustStatement,
    @Inject(DecideTrustStatement) private readonly statementDecisions: DecideTrustStatement,
    @Inject(RunFiatTrust) private readonly runFiatTrust: RunFiatTrust,
    @Inject(FiatTrustQuery) private readonly fiat: FiatTrustQuery,
    @Inject(Discrepancies) private readonly discrepancies: Discrepancies,
  ) {}

  /** Maker: request a trust account's registration, with the balance it opens at (approved with it). */
  @Post('trust-accounts')
  @HttpCode(201)
  @Roles('operator')
  async requestAccount(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        accountId,
        currency,
        bank: z.string().trim().min(1).max(TRUST_TEXT_LENGTH_MAX),
        accountName: z.string().trim().min(1).max(TRUST_TEXT_LENGTH_MAX),
        openingBalanceMinor: minorAmount,
        openingBalanceAt: z.iso.datetime({ offset: true }),
      }),
      body,
    );
    this.tables.assertReady();
    const requested = await this.accountRequests.handle({
      ...input,
      openingBalanceMinor: BigInt(input.openingBalanceMinor),
      by: caller.id,
    });
    if (!requested.ok) throw refused(requested.error);
    return jsonView(requested.account);
  }

  @Get('trust-accounts/:accountId')
  @Roles('operator', 'approver', 'auditor')
  async account(@Param('accountId') id: string) {
    const { accountId: known } = parseInput(
      z.strictObject({ accountId }),
      { accountId: id },
      'path',
    );
    this.tables.assertReady();
    const account = await this.fiat.account(known);
    if (account === null)
      throw refusal({
        code: 'TRUST_ACCOUNT_UNKNOWN',
        reason: `no trust account ${known}`,
      });
    return jsonView(account);
  }

  /** Checker: an approver who did not request it approves the account and its opening balance. */
  @Post('trust-accounts/:accountId/approve')
  @HttpCode(200)
  @Roles('approver')
  async approveAccount(@Param('accountId') id: string, @CurrentCaller() caller: Caller) {
    const { accountId: known } = parseInput(
      z.strictObject({ accountId }),
      { accountId: id },
      'path',
    );
    this.tables.assertReady();
    const decided = await this.accountDecisions.handle({
      accountId: known,
      decision: 'approve',
      reason: '',
      by: caller.id,
    });
    if (!decided.ok) throw refused(decided.error, ['accountId']);
    return jsonView(decided.account);
  }

  @Post('trust-accounts/:accountId/reject')
  @HttpCode(200)
  @Roles('approver')
  async rejectAccount(
    @Param('accountId') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const { accountId: known } = parseInput(
      z.strictObject({ accountId }),
      { accountId: id },
      'path',
    );
    const { reason } = parseInput(rejection, body);
    this.tables.assertReady();
    const decided = await this.accountDecisions.handle({
      accountId: known,
      decision: 'reject',
      reason,
      by: caller.id,
    });
    if (!decided.ok) throw refused(decided.error, ['accountId']);
    return jsonView(decided.account);
  }

  /** Maker: import a statement of an approved account; recorded pending, it counts once approved. */
  @Post('trust-statements')
  @HttpCode(201)
  @Roles('operator')
  async importStatement(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        accountId,
        currency,
        from: z.iso.datetime({ offset: true }),
        to: z.iso.datetime({ offset: true }),
        openingBalanceMinor: minorAmount,
        csv: z.string().min(1).max(STATEMENT_CSV_LENGTH_MAX),
      }),
      body,
    );
    this.tables.assertReady();
    const imported = await this.statementImports.handle({
      ...input,
      openingBalanceMinor: BigInt(input.openingBalanceMinor),
      by: caller.id,
    });
    if (!imported.ok) throw refused(imported.error);
    return jsonView(imported.statement);
  }

  /** Checker: an approver who did not import it approves the statement; from then on it counts in the runs. */
  @Post('trust-statements/:statementId/approve')
  @HttpCode(200)
  @Roles('approver')
  async approveStatement(@Param('statementId') id: string, @CurrentCaller() caller: Caller) {
    const { statementId: known } = parseInput(
      z.strictObject({ statementId }),
      { statementId: id },
      'path',
    );
    this.tables.assertReady();
    const decided = await this.statementDecisions.handle({
      statementId: known,
      decision: 'approve',
      reason: '',
      by: caller.id,
    });
    if (!decided.ok) throw refused(decided.error, ['statementId']);
    return jsonView(decided.statement);
  }

  @Post('trust-statements/:statementId/reject')
  @HttpCode(200)
  @Roles('approver')
  async rejectStatement(
    @Param('statementId') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const { statementId: known } = parseInput(
      z.strictObject({ statementId }),
      { statementId: id },
      'path',
    );
    const { reason } = parseInput(rejection, body);
    this.tables.assertReady();
    const decided = await this.statementDecisions.handle({
      statementId: known,
      decision: 'reject',
      reason,
      by: caller.id,
    });
    if (!decided.ok) throw refused(decided.error, ['statementId']);
    return jsonView(decided.statement);
  }

  @Post('fiat-runs')
  @HttpCode(201)
  @Roles('operator')
  async run(@Body() body: unknown) {
    const input = parseInput(z.strictObject({ businessDay: day, currency }), body);
    this.businessDays.assertNotFuture(input.businessDay);
    this.tables.assertReady();
    return jsonView(await this.runFiatTrust.handle(input.businessDay, input.currency));
  }

  @Get('fiat-runs')
  @Roles('operator', 'auditor')
  async list(@Query('businessDay') businessDay?: string, @Query('currency') code?: string) {
    const input = parseInput(
      z.strictObject({ businessDay: day, currency }),
      { businessDay, currency: code },
      'query',
    );
    this.tables.assertReady();
    return {
      ...input,
      runs: jsonView(await this.fiat.runs(input.businessDay, input.currency)),
    };
  }

  @ClientData()
  @Get('fiat-runs/:runId/report.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Roles('operator', 'auditor')
  async csv(@Param('runId') id: string): Promise<string> {
    const { runId: known } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    this.tables.assertReady();
    const lines = await this.fiat.lines(known, FIAT_CSV_LINES_MAX);
    return (
      [
        csvLine(['client_id', 'balance_minor', 'counted_minor']),
        ...lines.map((line) => csvLine([line.clientId, line.balanceMinor, line.countedMinor])),
      ].join('\n') + '\n'
    );
  }

  @Get('fiat-runs/:runId/summary.txt')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Roles('operator', 'auditor')
  async summary(@Param('runId') id: string): Promise<string> {
    const { runId: known } = parseInput(z.strictObject({ runId }), { runId: id }, 'path');
    const [, businessDay = '', code = ''] =
      /^[A-Z]{2}:(\d{4}-\d{2}-\d{2}):fiat-([A-Z]{3})@/.exec(known) ?? [];
    this.tables.assertReady();
    const run = (await this.fiat.runs(businessDay, code)).find((entry) => entry.runId === known);
    if (run === undefined)
      throw refusal({
        code: 'FIAT_RUN_UNKNOWN',
        reason: `no run ${known}`,
      });
    return fiatRunSummary(run, await this.discrepancies.list('open', OPEN_DISCREPANCIES_MAX));
  }
}
