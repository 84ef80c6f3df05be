import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { acceptedOr422, jsonView, parseInput, refusedCommand } from '@custody/service-host';
import { z } from 'zod/v4';
import { PolicyRuntime } from '../policy-runtime';

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._\-/]{0,127}$/);
const reason = z.string().min(1).max(500);
const ratio = z.string().regex(/^(0|[1-9][0-9]{0,2})(\.[0-9]{1,12})?$/);
const instant = z.iso.datetime({ offset: true });
const profile = z.strictObject({
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/),
  jurisdictions: z
    .array(z.enum(['HK', 'TW']))
    .min(1)
    .max(2),
  thresholds: z.strictObject({
    hkColdQuantityMin: ratio,
    twColdQuantityMin: ratio,
    twColdValueMin: ratio,
    twHouseInHotMax: ratio,
    hkInsuranceColdMin: ratio,
    hkInsuranceHotMin: ratio,
    staleAfterMs: z.int().min(1),
    group2SoftLimit: ratio,
    group2HardLimit: ratio,
  }),
});
const decision = z.strictObject({ decision: z.enum(['approve', 'reject']), reason });
/** 403 code: a `custody-service` caller that is not the wallet (POLICY_DECISION_SUBJECTS) asked for a withdrawal decision. */
export const WITHDRAWAL_DECISION_SUBJECT_UNKNOWN = 'WITHDRAWAL_DECISION_SUBJECT_UNKNOWN';
/** On-chain checks listed at most (a few years of monthly checks). */
export const ONCHAIN_CHECKS_PAGE_MAX = 120;

/**
 * Compliance as the system checks it (TW-3/4, HK-11g/j, BC-1..4): the rules' answers now with
 * their evidence, the breaches open now or at a past instant, the capital report; policy versions
 * and asset classifications changed only by maker-checker; commingling exceptions recorded
 * before house assets enter a client wallet.
 */
@Controller('v1')
export class PolicyController {
  constructor(@Inject(PolicyRuntime) private readonly runtime: PolicyRuntime) {}

  /**
   * Without `at`: every rule now, with evidence, and the open breaches. With `at` (ISO instant):
   * the same as it was then, rebuilt from history (facts recorded by then, the policy version in
   * force then, the breaches open then).
   */
  @Get('compliance')
  @Roles('operator', 'auditor', 'approver')
  async compliance(@Query('at') at?: string) {
    const service = this.runtime.policy();
    if (at === undefined) return jsonView(await service.status());
    const { instant: when } = parseInput(z.strictObject({ instant }), { instant: at }, 'query');
    const asOf = new Date(when).toISOString();
    if (Date.parse(asOf) > Date.parse(service.at()))
      throw refusedCommand(
        {
          code: 'INSTANT_IN_THE_FUTURE',
          path: 'at',
          reason: `${asOf} has not happened yet: without \`at\` for now`,
        },
        'query',
      );
    return jsonView(await service.statusAt(asOf));
  }

  /** TW-14 (last paragraph): run the on-chain check now (it also runs on its own at least monthly). */
  @Post('onchain-checks')
  @HttpCode(201)
  @Roles('operator')
  async onChainCheck() {
    return jsonView(await this.runtime.policy().onChainCheck(this.runtime.readers));
  }

  @Get('onchain-checks')
  @Roles('operator', 'auditor', 'approver')
  async onChainChecks(@Query('limit') limit?: string) {
    const query = parseInput(
      z.strictObject({
        limit: z
          .string()
          .regex(/^[1-9][0-9]{0,2}$/)
          .transform(Number)
          .pipe(z.int().max(ONCHAIN_CHECKS_PAGE_MAX))
          .optional(),
      }),
      limit === undefined ? {} : { limit },
      'query',
    );
    return { checks: jsonView(await this.runtime.policy().onChainChecks(query.limit ?? 12)) };
  }

  @Get('capital-report')
  @Roles('auditor', 'approver', 'admin')
  async capitalReport() {
    const report = await this.runtime.policy().capitalReport();
    if (report === undefined)
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'TIER1_CAPITAL_NOT_CONFIGURED',
        reason: 'set POLICY_TIER1_CAPITAL for the BC-3 report',
      });
    return report;
  }

  @Get('policy-versions')
  @Roles('auditor', 'approver', 'admin')
  async versions() {
    const governance = await this.runtime.policy().governance();
    return {
      activeVersion: governance.activeVersion ?? null,
      versions: jsonView([...governance.versions.values()]),
      classification: Object.fromEntries(governance.classification),
    };
  }

  @Post('policy-versions')
  @HttpCode(201)
  @Roles('admin')
  async propose(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(z.strictObject({ profile, reason }), body);
    const service = this.runtime.policy();
    acceptedOr422(
      await service.govern({
        type: 'ProposePolicyVersion',
        profile: input.profile,
        reason: input.reason,
        by: caller.id,
        at: service.at(),
      }),
    );
    return { version: input.profile.version, status: 'pending' };
  }

  @Post('policy-versions/:version/decision')
  @HttpCode(200)
  @Roles('approver')
  async decideVersion(
    @Param('version') version: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const input = parseInput(decision, body);
    const service = this.runtime.policy();
    acceptedOr422(
      await service.govern({
        type: 'DecidePolicyVersion',
        version,
        decision: input.decision,
        reason: input.reason,
        by: caller.id,
        at: service.at(),
      }),
    );
    return { version, status: input.decision === 'approve' ? 'approved' : 'rejected' };
  }

  @Post('asset-classifications')
  @HttpCode(201)
  @Roles('admin')
  async proposeClassification(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        changeId: identifier,
        asset: z.string().regex(/^[A-Z0-9]{2,16}$/),
        group: z.enum(['1a', '1b', '2a', '2b']),
        reason,
      }),
      body,
    );
    const service = this.runtime.policy();
    acceptedOr422(
      await service.govern({
        type: 'ProposeClassification',
        ...input,
        by: caller.id,
        at: service.at(),
      }),
    );
    return { changeId: input.changeId, status: 'pending' };
  }

  @Post('asset-classifications/:changeId/decision')
  @HttpCode(200)
  @Roles('approver')
  async decideClassification(
    @Param('changeId') changeId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const input = parseInput(decision, body);
    const service = this.runtime.policy();
    acceptedOr422(
      await service.govern({
        type: 'DecideClassification',
        changeId,
        decision: input.decision,
        reason: input.reason,
        by: caller.id,
        at: service.at(),
      }),
    );
    return { changeId, status: input.decision === 'approve' ? 'approved' : 'rejected' };
  }

  /**
   * The wallet asks before a client withdrawal can be approved: allowed or not, the quorum, the
   * policy version, every check with its figures. Decided once per withdrawal: asked again, the
   * same answer (a different request under the same id: 422 WITHDRAWAL_DECISION_CONFLICT). Only
   * the wallet's identity (POLICY_DECISION_SUBJECTS) asks; any other custody-service caller is 403.
   */
  @Post('withdrawal-decisions')
  @HttpCode(200)
  @Roles('custody-service')
  async decideWithdrawal(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    // the role alone is not enough: the exchange holds custody-service too, and a decision reserves the client's balance under its id
    if (!this.runtime.config.decisionSubjects.includes(caller.id)) {
      throw new ForbiddenException({
        statusCode: 403,
        code: WITHDRAWAL_DECISION_SUBJECT_UNKNOWN,
        reason: `${caller.id} is not the wallet's identity (POLICY_DECISION_SUBJECTS): it cannot ask for a withdrawal decision`,
      });
    }
    const input = parseInput(
      z.strictObject({
        withdrawalId: identifier,
        clientId: identifier,
        asset: z.string().regex(/^[A-Z0-9]{2,16}$/),
        amountMinor: z.string().regex(/^[1-9][0-9]{0,37}$/),
        destinationAllowListed: z.boolean(),
      }),
      body,
    );
    const decided = acceptedOr422(
      await this.runtime
        .policy()
        .withdrawals.decide({ ...input, amountMinor: BigInt(input.amountMinor) }, caller.id),
    );
    return jsonView(decided.state);
  }

  /** A recorded withdrawal decision with the facts it was taken on and the policy version. */
  @Get('withdrawal-decisions/:withdrawalId')
  @Roles('operator', 'auditor', 'custody-service')
  async withdrawalDecision(@Param('withdrawalId') withdrawalId: string) {
    const { id } = parseInput(z.strictObject({ id: identifier }), { id: withdrawalId }, 'path');
    const decided = await this.runtime.policy().withdrawals.decision(id);
    if (decided === undefined)
      throw new NotFoundException({
        statusCode: 404,
        code: 'WITHDRAWAL_DECISION_UNKNOWN',
        reason: `no decision for ${id}`,
      });
    return jsonView(decided);
  }

  @Post('commingling-exceptions')
  @HttpCode(201)
  @Roles('operator')
  async recordException(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        exceptionId: identifier,
        walletId: identifier,
        asset: z.string().regex(/^[A-Z0-9]{2,16}$/),
        amountMinor: z.string().regex(/^[1-9][0-9]{0,37}$/),
        purpose: z.string().max(64),
        reason,
      }),
      body,
    );
    acceptedOr422(
      await this.runtime.policy().recordComminglingException({
        ...input,
        amountMinor: BigInt(input.amountMinor),
        by: caller.id,
      }),
    );
    return { exceptionId: input.exceptionId, recorded: true };
  }
}
