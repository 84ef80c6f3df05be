import { Controller, Get, Inject, Query } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import {
  AUDIT_PAGE_RECORDS,
  AuditedSourcesQuery,
  AuditorQueryLog,
  AuditRecords,
  CheckpointsQuery,
  VerifyChain,
} from '@custody/audit-application';
import { ALL_TOPICS, type Topic } from '@custody/contracts';
import { ClientData, jsonView, parseInput, positionText } from '@custody/service-host';
import { z } from 'zod/v4';
import { AuditTables } from '../host/audit-tables';
import { count } from './audit-http';

/**
 * HK-22 for auditors: the independent record's status, the chain verified, its records page by
 * page and the cross-check's audit side. Checkpoints, evidence and proofs are in
 * checkpoints.controller.ts, reconstruction and trails in reconstruction.controller.ts. Every
 * query is itself recorded (who asked what).
 */
@Controller('v1/audit')
export class AuditController {
  constructor(
    @Inject(AuditTables) private readonly tables: AuditTables,
    @Inject(AuditorQueryLog) private readonly queries: AuditorQueryLog,
    @Inject(AuditRecords) private readonly record: AuditRecords,
    @Inject(CheckpointsQuery) private readonly checkpoints: CheckpointsQuery,
    @Inject(VerifyChain) private readonly verification: VerifyChain,
    @Inject(AuditedSourcesQuery) private readonly auditedSources: AuditedSourcesQuery,
  ) {}

  @Get('status')
  @Roles('auditor', 'sre')
  async status(@CurrentCaller() caller: Caller) {
    this.tables.assertReady();
    await this.queries.record(caller.id, 'status');
    const checkpoints = await this.checkpoints.all();
    return {
      size: await this.record.size(),
      checkpoints: checkpoints.length,
      lastCheckpoint: checkpoints.at(-1) ?? null,
    };
  }

  @Get('verify')
  @Roles('auditor', 'sre')
  async verify(@CurrentCaller() caller: Caller) {
    this.tables.assertReady();
    await this.queries.record(caller.id, 'verify chain');
    return jsonView(await this.verification.verify());
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
    this.tables.assertReady();
    await this.queries.record(
      caller.id,
      `records from ${query.from ?? 1} limit ${query.limit ?? 100}`,
    );
    return {
      records: jsonView(await this.record.records(BigInt(query.from ?? 1), query.limit ?? 100)),
    };
  }

  /**
   * The cross-check's audit side: what the record holds of one service topic (source position and
   * hash), page by page.
   */
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
    this.tables.assertReady();
    await this.queries.record(caller.id, `sources ${query.topic} after ${query.after ?? '0'}`);
    const pageLimit = query.limit ?? AUDIT_PAGE_RECORDS;
    const entries = await this.auditedSources.page(query.topic, query.after ?? 0n, pageLimit);
    const last = entries.at(-1);
    return {
      entries,
      next:
        entries.length === pageLimit && last !== undefined ? { after: last.auditPosition } : null,
    };
  }
}
