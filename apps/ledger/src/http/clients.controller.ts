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
  UseFilters,
} from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { HTTP_IDENTIFIER_PATTERN } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import type { HandledCommand, LedgerCommandHandler } from '@custody/ledger-application';
import { availableBalance, postedBalance, type ClientDebitReason } from '@custody/ledger-domain';
import {
  STATEMENT_PAGE_LINES_DEFAULT,
  STATEMENT_PAGE_LINES_MAX,
} from '@custody/ledger-read-models';
import {
  EVENT_STORE,
  optionalBigIntQuery,
  optionalIntegerQuery,
  POSITION_REASON,
  positionFromText,
  refusal,
  refusedCommand,
  ValidationFailedException,
  type FieldError,
  LostRaceFilter,
} from '@custody/service-host';
import { LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS } from '../ledger-adjustments';
import { LEDGER_COMMAND_HANDLER } from '../ledger-tokens';
import { LedgerReadModelHost } from '../read-models/ledger-read-model-host';

const ASSET_PATTERN = /^[A-Z0-9]{2,16}$/;
const AMOUNT_PATTERN = /^[1-9][0-9]{0,37}$/;
/** ISO-8601 instant with an explicit zone: 2026-11-24T09:00:00Z, 2026-11-24T17:00:00.123+08:00. */
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
export const NOTE_LENGTH_MAX = 500;
/** Reads of the balances and the projector's checkpoint tried before a consistent pair is given up on. */
export const CONSISTENT_READ_ATTEMPTS = 5;
const REFERENCE_LENGTH_MAX = 200;

function text(value: unknown, path: string, pattern: RegExp, errors: FieldError[]): string {
  if (typeof value === 'string' && pattern.test(value)) return value;
  errors.push({ path, reason: `must match ${pattern.source}` });
  return '';
}

function identifier(value: unknown, path: string): string {
  const errors: FieldError[] = [];
  const parsed = text(value, path, HTTP_IDENTIFIER_PATTERN, errors);
  if (errors.length > 0) throw new ValidationFailedException(errors);
  return parsed;
}

function throwIfRefused(result: HandledCommand, prefix: string): void {
  if (!result.ok) throw refusedCommand(result.error, prefix);
}

/** Business time of an HTTP command is when it was received (the boundary, not the domain). */
const receivedAt = () => new Date().toISOString();

/**
 * Clients' books (HK-21): onboarding (operator); balances now from the read models or as they
 * were at an instant or a global position (snapshots plus events); the statement; manual
 * adjustments requested by an operator and approved or rejected by a different approver
 * (maker-checker) within the approval window (LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS, default 72 h),
 * after which it expires.
 */
@Controller('v1/clients')
@UseFilters(LostRaceFilter)
export class ClientsController {
  constructor(
    @Inject(LEDGER_COMMAND_HANDLER) private readonly handler: LedgerCommandHandler,
    @Inject(LedgerReadModelHost) private readonly read: LedgerReadModelHost,
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS) private readonly approvalWindowMs: number,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('operator')
  async onboard(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const clientId = identifier((body as { clientId?: unknown } | null)?.clientId, 'body.clientId');
    const result = await this.handler.handle({
      type: 'OnboardClient',
      clientId,
      metadata: { at: receivedAt() },
    });
    throwIfRefused(result, 'body');
    return {
      clientId,
      onboarded: result.ok && result.events.length > 0 ? 'now' : 'already',
      by: caller.id,
    };
  }

  /**
   * Without `at`: the read models (as of the position they have applied). With `at` (an ISO
   * instant, or a global position): the client's books as they stood then, from the latest
   * snapshot at or before it plus the client's events up to it; never a full replay.
   */
  @Get(':clientId/balances')
  @Roles('operator', 'auditor')
  async balances(@Param('clientId') clientIdParam: string, @Query('at') at?: string) {
    const clientId = identifier(clientIdParam, 'path.clientId');
    if (at === undefined) {
      // The rows and the projector's checkpoint are read in two statements: they describe one moment only if no batch
      // committed in between, which the checkpoint read on both sides shows (each commit moves it forward).
      for (let attempt = 1; attempt <= CONSISTENT_READ_ATTEMPTS; attempt += 1) {
        const before = await this.read.projector.checkpoint();
        const rows = await this.read.readModels.clientBalances(clientId);
        if ((await this.read.projector.checkpoint()) !== before) continue;
        if (rows.length === 0) await this.requireOnboarded(clientId);
        return {
          clientId,
          asOfPosition: before.toString(),
          balances: rows.map((row) => ({
            asset: row.asset,
            postedMinor: row.postedMinor,
            pendingDebitsMinor: row.debitsPendingMinor,
            availableMinor: row.availableMinor,
          })),
        };
      }
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'READ_MODELS_BUSY',
        reason: `the read models moved during ${CONSISTENT_READ_ATTEMPTS} reads in a row; ask again`,
      });
    }
    const position = await this.positionOf(at);
    const loaded = (await this.handler.loadBooks([clientId], position)).get(clientId);
    if (loaded === undefined || !loaded.books.clients.has(clientId)) {
      throw refusal({
        code: 'CLIENT_UNKNOWN',
        path: 'path.clientId',
        reason: `client ${clientId} was not onboarded at position ${position}`,
      });
    }
    const balances = [...loaded.books.accounts.values()]
      .map(({ account, balance }) => ({
        asset: account.asset,
        postedMinor: postedBalance(account, balance).toString(),
        pendingDebitsMinor: balance.debitsPending.toString(),
        availableMinor: availableBalance(account, balance).toString(),
      }))
      .sort((left, right) => (left.asset < right.asset ? -1 : 1));
    return {
      clientId,
      at,
      asOfPosition: position.toString(),
      clientEventsUpTo: loaded.position.toString(),
      balances,
    };
  }

  /** Every movement in and out, with its reason and source reference, oldest first, a page after a global position. */
  @Get(':clientId/statement')
  @Roles('operator', 'auditor')
  async statement(
    @Param('clientId') clientIdParam: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ) {
    const clientId = identifier(clientIdParam, 'path.clientId');
    const errors: FieldError[] = [];
    const afterPosition = optionalBigIntQuery(after, 'query.after', 0n, errors);
    const pageLines = optionalIntegerQuery(
      limit,
      'query.limit',
      STATEMENT_PAGE_LINES_DEFAULT,
      1,
      STATEMENT_PAGE_LINES_MAX,
      errors,
    );
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const lines = await this.read.readModels.statement(clientId, afterPosition, pageLines);
    return {
      clientId,
      lines: lines.map(({ clientId: _client, ...line }) => line),
      next: lines.length === pageLines ? (lines.at(-1)?.globalPosition ?? null) : null,
    };
  }

  /** Maker: an operator requests a compensating entry (credit, or a debit on written consent or a legal order, HK-7). */
  @Post(':clientId/adjustments')
  @HttpCode(200)
  @Roles('operator')
  async requestAdjustment(
    @Param('clientId') clientIdParam: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const clientId = identifier(clientIdParam, 'path.clientId');
    const input = (body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const adjustmentId = text(
      input['adjustmentId'],
      'body.adjustmentId',
      HTTP_IDENTIFIER_PATTERN,
      errors,
    );
    const asset = text(input['asset'], 'body.asset', ASSET_PATTERN, errors);
    const amountMinor = text(input['amountMinor'], 'body.amountMinor', AMOUNT_PATTERN, errors);
    const direction = input['direction'];
    if (direction !== 'credit' && direction !== 'debit')
      errors.push({ path: 'body.direction', reason: "must be 'credit' or 'debit'" });
    const note = input['note'];
    if (typeof note !== 'string' || note.trim() === '' || note.length > NOTE_LENGTH_MAX)
      errors.push({ path: 'body.note', reason: `must say why, 1..${NOTE_LENGTH_MAX} characters` });
    const debitReason = debitReasonOf(input['debitReason'], errors);
    if (errors.length > 0) throw new ValidationFailedException(errors);
    const result = await this.handler.handle({
      type: 'RequestAdjustment',
      adjustmentId,
      requestedBy: caller.id,
      clientId,
      asset,
      direction: direction as 'credit' | 'debit',
      amountMinor: BigInt(amountMinor),
      debitReason,
      note: note as string,
      metadata: { at: receivedAt() },
    });
    throwIfRefused(result, 'body');
    return { adjustmentId, clientId, status: 'pending-approval', requestedBy: caller.id };
  }

  /** Checker: an approver who is not the requester approves within the window; the compensating journal posts. */
  @Post(':clientId/adjustments/:adjustmentId/approve')
  @HttpCode(200)
  @Roles('approver')
  async approveAdjustment(
    @Param('clientId') clientIdParam: string,
    @Param('adjustmentId') adjustmentIdParam: string,
    @CurrentCaller() caller: Caller,
  ) {
    const clientId = identifier(clientIdParam, 'path.clientId');
    const adjustmentId = identifier(adjustmentIdParam, 'path.adjustmentId');
    const result = await this.handler.handle({
      type: 'ApproveAdjustment',
      adjustmentId,
      clientId,
      approvedBy: caller.id,
      approvalWindowMs: this.approvalWindowMs,
      metadata: { at: receivedAt() },
    });
    throwIfRefused(result, 'path');
    return { adjustmentId, clientId, status: 'approved', approvedBy: caller.id };
  }

  /** Checker: an approver who is not the requester turns it down, saying why; nothing is booked. */
  @Post(':clientId/adjustments/:adjustmentId/reject')
  @HttpCode(200)
  @Roles('approver')
  async rejectAdjustment(
    @Param('clientId') clientIdParam: string,
    @Param('adjustmentId') adjustmentIdParam: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const clientId = identifier(clientIdParam, 'path.clientId');
    const adjustmentId = identifier(adjustmentIdParam, 'path.adjustmentId');
    const reason = (body as { reason?: unknown } | null)?.reason;
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > NOTE_LENGTH_MAX)
      throw new ValidationFailedException([
        { path: 'body.reason', reason: `must say why, 1..${NOTE_LENGTH_MAX} characters` },
      ]);
    const result = await this.handler.handle({
      type: 'RejectAdjustment',
      adjustmentId,
      clientId,
      rejectedBy: caller.id,
      reason,
      metadata: { at: receivedAt() },
    });
    throwIfRefused(result, 'path');
    return { adjustmentId, clientId, status: 'rejected', rejectedBy: caller.id, reason };
  }

  /** A request past its approval window is closed as expired, so the books show it (it moves nothing; before the window ends, ADJUSTMENT_NOT_EXPIRED). */
  @Post(':clientId/adjustments/:adjustmentId/expire')
  @HttpCode(200)
  @Roles('operator', 'approver')
  async expireAdjustment(
    @Param('clientId') clientIdParam: string,
    @Param('adjustmentId') adjustmentIdParam: string,
  ) {
    const clientId = identifier(clientIdParam, 'path.clientId');
    const adjustmentId = identifier(adjustmentIdParam, 'path.adjustmentId');
    const result = await this.handler.handle({
      type: 'ExpireAdjustment',
      adjustmentId,
      clientId,
      approvalWindowMs: this.approvalWindowMs,
      metadata: { at: receivedAt() },
    });
    throwIfRefused(result, 'path');
    return { adjustmentId, clientId, status: 'expired' };
  }

  private async positionOf(at: string): Promise<bigint> {
    if (/^\d+$/.test(at)) {
      const position = positionFromText(at);
      if (position === undefined)
        throw new ValidationFailedException([
          { path: 'query.at', reason: `a global position ${POSITION_REASON}` },
        ]);
      return position;
    }
    const instant = INSTANT_PATTERN.test(at) ? new Date(at) : undefined;
    if (instant === undefined || Number.isNaN(instant.getTime())) {
      throw new ValidationFailedException([
        {
          path: 'query.at',
          reason:
            'must be an ISO-8601 instant with a zone (2026-11-24T09:00:00Z) or a global position (digits)',
        },
      ]);
    }
    return this.store.positionAt(instant);
  }

  private async requireOnboarded(clientId: string): Promise<void> {
    const loaded = (await this.handler.loadBooks([clientId])).get(clientId);
    if (loaded === undefined || !loaded.books.clients.has(clientId)) {
      throw refusal({
        code: 'CLIENT_UNKNOWN',
        path: 'path.clientId',
        reason: `client ${clientId} is not onboarded`,
      });
    }
  }
}

/** HK-7: a manual debit names written consent or a legal order, with its reference. */
function debitReasonOf(value: unknown, errors: FieldError[]): ClientDebitReason | null {
  if (value === undefined || value === null) return null;
  const reason = value as Record<string, unknown>;
  const reference = (field: string) => {
    const given = reason[field];
    if (typeof given === 'string' && given.trim() !== '' && given.length <= REFERENCE_LENGTH_MAX)
      return given;
    errors.push({
      path: `body.debitReason.${field}`,
      reason: `required, 1..${REFERENCE_LENGTH_MAX} characters`,
    });
    return '';
  };
  if (reason['kind'] === 'written-consent')
    return { kind: 'written-consent', consentReference: reference('consentReference') };
  if (reason['kind'] === 'legal-order')
    return { kind: 'legal-order', orderReference: reference('orderReference') };
  errors.push({
    path: 'body.debitReason.kind',
    reason:
      "must be 'written-consent' or 'legal-order' (HK-7: nothing else permits a manual debit)",
  });
  return null;
}
