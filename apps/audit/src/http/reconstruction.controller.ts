import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { AuditorQueryLog, ReconstructionQuery, TrailsQuery } from '@custody/audit-application';
import { httpIdentifierSchema } from '@custody/contracts';
import { ClientData, jsonView, parseInput, positionText } from '@custody/service-host';
import { z } from 'zod/v4';
import { AuditTables } from '../host/audit-tables';

/**
 * HK-22 point-in-time and trails, from the audit record alone: a client's balances, the state of
 * wallets, policy and reconciliation at an instant, a client's or a key's trail. Every query is
 * itself recorded (who asked what).
 */
@Controller('v1/audit')
export class ReconstructionController {
  constructor(
    @Inject(AuditTables) private readonly tables: AuditTables,
    @Inject(AuditorQueryLog) private readonly queries: AuditorQueryLog,
    @Inject(ReconstructionQuery) private readonly reconstruction: ReconstructionQuery,
    @Inject(TrailsQuery) private readonly trails: TrailsQuery,
  ) {}

  /**
   * HK-22 point-in-time from the audit record alone: a client's balances as of a ledger position or
   * an instant.
   */
  @Get('reconstruction/clients/:clientId/balances')
  @Roles('auditor')
  async reconstruct(
    @Param('clientId') clientId: string,
    @Query('ledgerPosition') ledgerPosition: string | undefined,
    @Query('at') at: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    const query = parseInput(
      z
        .strictObject({
          clientId: httpIdentifierSchema,
          ledgerPosition: positionText.optional(),
          at: z.iso.datetime({ offset: true }).optional(),
        })
        .refine((input) => (input.ledgerPosition === undefined) !== (input.at === undefined), {
          message: 'exactly one of ledgerPosition and at',
          path: ['at'],
        }),
      {
        clientId,
        ...(ledgerPosition === undefined ? {} : { ledgerPosition }),
        ...(at === undefined ? {} : { at }),
      },
      'query',
    );
    this.tables.assertReady();
    await this.queries.record(
      caller.id,
      `reconstruct ${query.clientId} balances as of ${query.ledgerPosition ?? query.at ?? ''}`,
    );
    const asOf =
      query.ledgerPosition !== undefined
        ? { ledgerPosition: query.ledgerPosition }
        : { at: new Date(query.at ?? '').toISOString() };
    const rebuilt = await this.reconstruction.clientBalances(query.clientId, asOf);
    return {
      clientId: query.clientId,
      asOfPosition: rebuilt.ledgerPosition.toString(),
      balances: jsonView(rebuilt.balances),
    };
  }

  /**
   * HK-22 point-in-time: wallets, allow-lists, key access, policy version, open breaches and
   * discrepancies, prices, as they stood at an instant.
   */
  @ClientData()
  @Get('reconstruction/state')
  @Roles('auditor')
  async state(@Query('at') at: string | undefined, @CurrentCaller() caller: Caller) {
    const query = parseInput(
      z.strictObject({ at: z.iso.datetime({ offset: true }) }),
      { at },
      'query',
    );
    const instant = new Date(query.at).toISOString();
    this.tables.assertReady();
    await this.queries.record(caller.id, `reconstruct state at ${instant}`);
    return this.reconstruction.state(instant);
  }

  /**
   * HK-22 a client's trail: every movement in the books and on chain, from the audit record alone.
   */
  @Get('trails/clients/:clientId')
  @Roles('auditor')
  async clientTrail(@Param('clientId') clientId: string, @CurrentCaller() caller: Caller) {
    const { id } = parseInput(
      z.strictObject({ id: httpIdentifierSchema }),
      { id: clientId },
      'path',
    );
    this.tables.assertReady();
    await this.queries.record(caller.id, `trail client ${id}`);
    return { clientId: id, trail: await this.trails.trail({ clientId: id }) };
  }

  /**
   * TW-18 / HK-11c a key's trail: its life, every access change of its wallet with who asked and
   * who decided, each use.
   */
  @Get('trails/keys/:keyId')
  @Roles('auditor')
  async keyTrail(@Param('keyId') keyId: string, @CurrentCaller() caller: Caller) {
    const { id } = parseInput(z.strictObject({ id: httpIdentifierSchema }), { id: keyId }, 'path');
    this.tables.assertReady();
    await this.queries.record(caller.id, `trail key ${id}`);
    return { keyId: id, trail: await this.trails.trail({ keyId: id }) };
  }
}
