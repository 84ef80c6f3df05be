import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { AUDIT_PAGE_RECORDS, EVIDENCE_RECORDS_MAX } from '@custody/audit-application';
import { ALL_TOPICS, httpIdentifierSchema, type Topic } from '@custody/contracts';
import { ClientData, jsonView, parseInput, positionText, refusal } from '@custody/service-host';
import { z } from 'zod/v4';
import { AuditRuntime } from '../audit-runtime';

const count = z
  .string()
  .regex(/^[1-9][0-9]{0,11}$/)
  .transform(Number);

/**
 * HK-22 for auditors: the independent record's status, its signed checkpoints, the chain
 * verified, records with their inclusion proofs (an evidence pack the offline verifier checks
 * with the checkpoint and the public key alone), and consistency proofs between checkpoints.
 * Every query is itself recorded (who asked what).
 */
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AuditRuntime) private readonly runtime: AuditRuntime) {}

  @Get('status')
  @Roles('auditor', 'sre')
  async status(@CurrentCaller() caller: Caller) {
    const log = this.runtime.audit();
    await log.recordQuery(caller.id, 'status');
    const checkpoints = await log.checkpoints();
    return {
      size: await log.size(),
      checkpoints: checkpoints.length,
      lastCheckpoint: checkpoints.at(-1) ?? null,
    };
  }

  @Get('public-key')
  @Header('content-type', 'application/x-pem-file')
  @Roles('auditor')
  publicKey(): string {
    return this.runtime.publicKeyPem();
  }

  @Get('checkpoints')
  @Roles('auditor')
  async checkpoints(@CurrentCaller() caller: Caller) {
    await this.runtime.audit().recordQuery(caller.id, 'checkpoints');
    return { checkpoints: await this.runtime.audit().checkpoints() };
  }

  /** Signs a checkpoint now (also done on a schedule). */
  @Post('checkpoints')
  @HttpCode(201)
  @Roles('auditor', 'sre')
  async checkpoint(@CurrentCaller() caller: Caller) {
    await this.runtime.audit().recordQuery(caller.id, 'checkpoint now');
    return this.runtime.checkpoint();
  }

  @Get('verify')
  @Roles('auditor', 'sre')
  async verify(@CurrentCaller() caller: Caller) {
    await this.runtime.audit().recordQuery(caller.id, 'verify chain');
    return jsonView(await this.runtime.audit().verifyChain());
  }

  @ClientData()
  @Get('records')
  @Roles('auditor')
  async records(
    @Query('from') from: string | undefined,
    @Query('limit') limit: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    const query = parseInput(
      z.strictObject({
        from: count.optional(),
        limit: count.pipe(z.int().max(AUDIT_PAGE_RECORDS)).optional(),
      }),
      { ...(from === undefined ? {} : { from }), ...(limit === undefined ? {} : { limit }) },
      'query',
    );
    await this.runtime
      .audit()
      .recordQuery(caller.id, `records from ${query.from ?? 1} limit ${query.limit ?? 100}`);
    return {
      records: jsonView(
        await this.runtime.audit().records(BigInt(query.from ?? 1), query.limit ?? 100),
      ),
    };
  }

  /** The cross-check's audit side: what the record holds of one service topic (source position and hash), page by page. */
  @Get('sources')
  @Roles('auditor')
  async sources(
    @Query('topic') topic: string | undefined,
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    const query = parseInput(
      z.strictObject({
        topic: z.enum(ALL_TOPICS as [Topic, ...Topic[]]),
        after: positionText.optional(),
        limit: count.pipe(z.int().max(AUDIT_PAGE_RECORDS)).optional(),
      }),
      {
        topic,
        ...(after === undefined ? {} : { after }),
        ...(limit === undefined ? {} : { limit }),
      },
      'query',
    );
    await this.runtime
      .audit()
      .recordQuery(caller.id, `sources ${query.topic} after ${query.after ?? '0'}`);
    const pageLimit = query.limit ?? AUDIT_PAGE_RECORDS;
    const entries = await this.runtime
      .audit()
      .auditedSources(query.topic, query.after ?? 0n, pageLimit);
    const last = entries.at(-1);
    return {
      entries,
      next:
        entries.length === pageLimit && last !== undefined ? { after: last.auditPosition } : null,
    };
  }

  /** HK-22 point-in-time from the audit record alone: a client's balances as of a ledger position or an instant. */
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
    await this.runtime
      .audit()
      .recordQuery(
        caller.id,
        `reconstruct ${query.clientId} balances as of ${query.ledgerPosition ?? query.at ?? ''}`,
      );
    const asOf =
      query.ledgerPosition !== undefined
        ? { ledgerPosition: query.ledgerPosition }
        : { at: new Date(query.at ?? '').toISOString() };
    const rebuilt = await this.runtime.audit().reconstructClientBalances(query.clientId, asOf);
    return {
      clientId: query.clientId,
      asOfPosition: rebuilt.ledgerPosition.toString(),
      balances: jsonView(rebuilt.balances),
    };
  }

  /** HK-22 point-in-time: wallets, allow-lists, key access, policy version, open breaches and discrepancies, prices, as they stood at an instant. */
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
    await this.runtime.audit().recordQuery(caller.id, `reconstruct state at ${instant}`);
    return this.runtime.audit().reconstructState(instant);
  }

  /** HK-22 a client's trail: every movement in the books and on chain, from the audit record alone. */
  @Get('trails/clients/:clientId')
  @Roles('auditor')
  async clientTrail(@Param('clientId') clientId: string, @CurrentCaller() caller: Caller) {
    const { id } = parseInput(
      z.strictObject({ id: httpIdentifierSchema }),
      { id: clientId },
      'path',
    );
    await this.runtime.audit().recordQuery(caller.id, `trail client ${id}`);
    return { clientId: id, trail: await this.runtime.audit().trail({ clientId: id }) };
  }

  /** TW-18 / HK-11c a key's trail: its life, every access change of its wallet with who asked and who decided, each use. */
  @Get('trails/keys/:keyId')
  @Roles('auditor')
  async keyTrail(@Param('keyId') keyId: string, @CurrentCaller() caller: Caller) {
    const { id } = parseInput(z.strictObject({ id: httpIdentifierSchema }), { id: keyId }, 'path');
    await this.runtime.audit().recordQuery(caller.id, `trail key ${id}`);
    return { keyId: id, trail: await this.runtime.audit().trail({ keyId: id }) };
  }

  /** An evidence pack: records from..to with their proofs into the checkpoint of `treeSize` records (the latest by default). */
  @ClientData()
  @Get('evidence')
  @Roles('auditor')
  async evidence(
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('treeSize') treeSize: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    const query = parseInput(
      z.strictObject({ from: count, to: count, treeSize: count.optional() }),
      { from, to, ...(treeSize === undefined ? {} : { treeSize }) },
      'query',
    );
    const log = this.runtime.audit();
    const checkpoints = await log.checkpoints();
    const checkpoint =
      query.treeSize === undefined
        ? checkpoints.at(-1)
        : checkpoints.find((entry) => entry.treeSize === query.treeSize);
    if (checkpoint === undefined)
      throw refusal({
        code: 'CHECKPOINT_UNKNOWN',
        reason:
          query.treeSize === undefined
            ? 'no checkpoint yet'
            : `no checkpoint of ${query.treeSize} records`,
      });
    if (
      query.to < query.from ||
      query.to > checkpoint.treeSize ||
      query.to - query.from + 1 > EVIDENCE_RECORDS_MAX
    ) {
      throw refusal({
        code: 'EVIDENCE_RANGE_INVALID',
        path: 'query.to',
        reason: `records from..to within the checkpoint's ${checkpoint.treeSize}, at most ${EVIDENCE_RECORDS_MAX}`,
      });
    }
    await log.recordQuery(
      caller.id,
      `evidence ${query.from}..${query.to} in ${checkpoint.treeSize}`,
    );
    return { checkpoint, records: await log.evidence(query.from, query.to, checkpoint.treeSize) };
  }

  /** The proof that the checkpoint of `first` records is a prefix of the one of `second`. */
  @Get('consistency')
  @Roles('auditor')
  async consistency(
    @Query('first') first: string | undefined,
    @Query('second') second: string | undefined,
    @CurrentCaller() caller: Caller,
  ) {
    const query = parseInput(
      z.strictObject({ first: count, second: count }),
      { first, second },
      'query',
    );
    const log = this.runtime.audit();
    const checkpoints = await log.checkpoints();
    const [older, newer] = [
      checkpoints.find((entry) => entry.treeSize === query.first),
      checkpoints.find((entry) => entry.treeSize === query.second),
    ];
    if (older === undefined || newer === undefined || query.first > query.second)
      throw refusal({
        code: 'CHECKPOINT_UNKNOWN',
        reason: 'two recorded checkpoints, the first not larger than the second',
      });
    await log.recordQuery(caller.id, `consistency ${query.first}..${query.second}`);
    return { first: older, second: newer, proof: await log.consistency(query.first, query.second) };
  }
}
