import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { EntitlementDisclosures, PolicyClock } from '@custody/policy-application';
import { ENTITLEMENT_TREATMENTS, VOTE_POSITIONS } from '@custody/policy-domain';
import { acceptedOrRefused, jsonView, parseInput } from '@custody/service-host';
import { z } from 'zod/v4';
import { PolicyTables } from '../policy-tables';
import { asset, identifier, reason } from './policy-input';

const decision = z.strictObject({ decision: z.enum(['approve', 'reject']), reason });
const instant = z.iso.datetime({ offset: false });

/**
 * HK-20: per asset, what clients get when the chain forks, an airdrop lands or a vote is held,
 * changed only by maker-checker (roles as the governance routes); votes recorded under it.
 */
@Controller('v1')
export class EntitlementDisclosuresController {
  constructor(
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(PolicyClock) private readonly clock: PolicyClock,
    @Inject(EntitlementDisclosures) private readonly disclosures: EntitlementDisclosures,
  ) {}

  /** The settings in force (now, or `?at=` a past instant) and the whole record: changes, decisions, votes. */
  @Get('entitlement-disclosures')
  @Roles('auditor', 'approver', 'admin', 'operator')
  async list(@Query('at') at?: string) {
    const asOf = at === undefined ? undefined : parseInput(instant, at, 'query');
    this.tables.assertReady();
    const [state, history] = await Promise.all([
      this.disclosures.state(asOf),
      this.disclosures.history(),
    ]);
    return {
      ...(asOf === undefined ? {} : { at: asOf }),
      settings: jsonView([...state.settings.values()]),
      record: jsonView(history),
    };
  }

  /** The setting in force for one asset (null when none is approved): what the ledger books a fork or airdrop under. */
  @Get('entitlement-disclosures/:asset')
  @Roles('auditor', 'approver', 'admin', 'operator', 'custody-service')
  async one(@Param('asset') assetParam: string) {
    const symbol = parseInput(asset, assetParam, 'path');
    this.tables.assertReady();
    const setting = (await this.disclosures.state()).settings.get(symbol);
    return { asset: symbol, setting: setting === undefined ? null : jsonView(setting) };
  }

  @Post('entitlement-disclosures')
  @HttpCode(201)
  @Roles('admin')
  async propose(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        changeId: identifier,
        asset,
        treatment: z.enum(ENTITLEMENT_TREATMENTS),
        reason,
      }),
      body,
    );
    this.tables.assertReady();
    acceptedOrRefused(
      await this.disclosures.handle({
        type: 'ProposeEntitlementDisclosure',
        ...input,
        by: caller.id,
        at: this.clock.at(),
      }),
    );
    return { changeId: input.changeId, status: 'pending' };
  }

  @Post('entitlement-disclosures/:changeId/decision')
  @HttpCode(200)
  @Roles('approver')
  async decide(
    @Param('changeId') changeIdParam: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const changeId = parseInput(identifier, changeIdParam, 'path');
    const input = parseInput(decision, body);
    this.tables.assertReady();
    acceptedOrRefused(
      await this.disclosures.handle({
        type: 'DecideEntitlementDisclosure',
        changeId,
        decision: input.decision,
        reason: input.reason,
        by: caller.id,
        at: this.clock.at(),
      }),
    );
    return { changeId, status: input.decision === 'approve' ? 'approved' : 'rejected' };
  }

  /** How the institution voted on an asset's governance proposal, recorded with the disclosure in force. */
  @Post('votes')
  @HttpCode(201)
  @Roles('admin')
  async vote(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        voteId: identifier,
        asset,
        proposal: z.string().min(1).max(500),
        position: z.enum(VOTE_POSITIONS),
        reason,
      }),
      body,
    );
    this.tables.assertReady();
    const result = acceptedOrRefused(
      await this.disclosures.handle({
        type: 'RecordVote',
        ...input,
        by: caller.id,
        at: this.clock.at(),
      }),
    );
    return { voteId: input.voteId, recorded: jsonView(result.events) };
  }
}
