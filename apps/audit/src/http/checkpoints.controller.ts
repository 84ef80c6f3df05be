import { Controller, Get, Header, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import {
  AuditorQueryLog,
  CheckpointsQuery,
  EVIDENCE_RECORDS_MAX,
  EvidenceQuery,
} from '@custody/audit-application';
import { ClientData, parseInput, refusal } from '@custody/service-host';
import { z } from 'zod/v4';
import { AuditTables } from '../host/audit-tables';
import { CheckpointKey } from '../host/checkpoint-key';
import { CheckpointSigning } from '../host/checkpoint-signing';
import { count } from './audit-http';

/**
 * HK-22 checkpoints for auditors: the public key they verify with, the signed checkpoints (one
 * signed now on request), records with their inclusion proofs (an evidence pack the offline
 * verifier checks with the checkpoint and the public key alone), and consistency proofs between
 * checkpoints. Every query is itself recorded (who asked what).
 */
@Controller('v1/audit')
export class CheckpointsController {
  constructor(
    @Inject(AuditTables) private readonly tables: AuditTables,
    @Inject(AuditorQueryLog) private readonly queries: AuditorQueryLog,
    @Inject(CheckpointsQuery) private readonly signed: CheckpointsQuery,
    @Inject(CheckpointKey) private readonly key: CheckpointKey,
    @Inject(CheckpointSigning) private readonly signing: CheckpointSigning,
    @Inject(EvidenceQuery) private readonly proofs: EvidenceQuery,
  ) {}

  @Get('public-key')
  @Header('content-type', 'application/x-pem-file')
  @Roles('auditor')
  publicKey(): string {
    return this.key.publicKeyPem();
  }

  @Get('checkpoints')
  @Roles('auditor')
  async checkpoints(@CurrentCaller() caller: Caller) {
    this.tables.assertReady();
    await this.queries.record(caller.id, 'checkpoints');
    return { checkpoints: await this.signed.all() };
  }

  /** Signs a checkpoint now (also done on a schedule). */
  @Post('checkpoints')
  @HttpCode(201)
  @Roles('auditor', 'sre')
  async checkpoint(@CurrentCaller() caller: Caller) {
    this.tables.assertReady();
    await this.queries.record(caller.id, 'checkpoint now');
    return this.signing.checkpoint();
  }

  /**
   * An evidence pack: records from..to with their proofs into the checkpoint of `treeSize` records
   * (the latest by default).
   */
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
    this.tables.assertReady();
    const checkpoints = await this.signed.all();
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
    await this.queries.record(
      caller.id,
      `evidence ${query.from}..${query.to} in ${checkpoint.treeSize}`,
    );
    return {
      checkpoint,
      records: await this.proofs.evidence(query.from, query.to, checkpoint.treeSize),
    };
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
    this.tables.assertReady();
    const checkpoints = await this.signed.all();
    const [older, newer] = [
      checkpoints.find((entry) => entry.treeSize === query.first),
      checkpoints.find((entry) => entry.treeSize === query.second),
    ];
    if (older === undefined || newer === undefined || query.first > query.second)
      throw refusal({
        code: 'CHECKPOINT_UNKNOWN',
        reason: 'two recorded checkpoints, the first not larger than the second',
      });
    await this.queries.record(caller.id, `consistency ${query.first}..${query.second}`);
    return {
      first: older,
      second: newer,
      proof: await this.proofs.consistency(query.first, query.second),
    };
  }
}
