import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
} from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { DecideWithdrawalHandler, WithdrawalDecisionQuery } from '@custody/policy-application';
import { acceptedOrRefused, jsonView, parseInput, refusal } from '@custody/service-host';
import { z } from 'zod/v4';
import { POLICY_CONFIG, type PolicyConfig } from '../policy-config';
import { PolicyTables } from '../policy-tables';
import { amountMinor, asset, identifier } from './policy-input';

/** 403 code: a `custody-service` caller that is not the wallet (POLICY_DECISION_SUBJECTS) asked for a withdrawal decision. */
export const WITHDRAWAL_DECISION_SUBJECT_UNKNOWN = 'WITHDRAWAL_DECISION_SUBJECT_UNKNOWN';

/** The withdrawal decisions the wallet asks for before a client withdrawal can be approved. */
@Controller('v1')
export class WithdrawalDecisionsController {
  constructor(
    @Inject(POLICY_CONFIG) private readonly config: PolicyConfig,
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(DecideWithdrawalHandler) private readonly decide: DecideWithdrawalHandler,
    @Inject(WithdrawalDecisionQuery) private readonly decisions: WithdrawalDecisionQuery,
  ) {}

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
    if (!this.config.decisionSubjects.includes(caller.id)) {
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
        asset,
        amountMinor,
        destinationAllowListed: z.boolean(),
      }),
      body,
    );
    this.tables.assertReady();
    const decided = acceptedOrRefused(
      await this.decide.handle({ ...input, amountMinor: BigInt(input.amountMinor) }, caller.id),
    );
    return jsonView(decided.state);
  }

  /** A recorded withdrawal decision with the facts it was taken on and the policy version. */
  @Get('withdrawal-decisions/:withdrawalId')
  @Roles('operator', 'auditor', 'custody-service')
  async withdrawalDecision(@Param('withdrawalId') withdrawalId: string) {
    const { id } = parseInput(z.strictObject({ id: identifier }), { id: withdrawalId }, 'path');
    this.tables.assertReady();
    const decided = await this.decisions.decision(id);
    if (decided === undefined)
      throw refusal({
        code: 'WITHDRAWAL_DECISION_UNKNOWN',
        reason: `no decision for ${id}`,
      });
    return jsonView(decided);
  }
}
