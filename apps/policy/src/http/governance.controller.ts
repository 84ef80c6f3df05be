import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { GovernHandler, PolicyClock, PolicyProfiles } from '@custody/policy-application';
import { acceptedOrRefused, jsonView, parseInput } from '@custody/service-host';
import { z } from 'zod/v4';
import { PolicyTables } from '../policy-tables';
import { asset, identifier, reason } from './policy-input';

const ratio = z.string().regex(/^(0|[1-9][0-9]{0,2})(\.[0-9]{1,12})?$/);
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

/** Policy versions and asset classifications, changed only by maker-checker. */
@Controller('v1')
export class GovernanceController {
  constructor(
    @Inject(PolicyTables) private readonly tables: PolicyTables,
    @Inject(PolicyClock) private readonly clock: PolicyClock,
    @Inject(PolicyProfiles) private readonly profiles: PolicyProfiles,
    @Inject(GovernHandler) private readonly govern: GovernHandler,
  ) {}

  @Get('policy-versions')
  @Roles('auditor', 'approver', 'admin')
  async versions() {
    this.tables.assertReady();
    const governance = await this.profiles.governance();
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
    this.tables.assertReady();
    acceptedOrRefused(
      await this.govern.handle({
        type: 'ProposePolicyVersion',
        profile: input.profile,
        reason: input.reason,
        by: caller.id,
        at: this.clock.at(),
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
    this.tables.assertReady();
    acceptedOrRefused(
      await this.govern.handle({
        type: 'DecidePolicyVersion',
        version,
        decision: input.decision,
        reason: input.reason,
        by: caller.id,
        at: this.clock.at(),
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
        asset,
        group: z.enum(['1a', '1b', '2a', '2b']),
        reason,
      }),
      body,
    );
    this.tables.assertReady();
    acceptedOrRefused(
      await this.govern.handle({
        type: 'ProposeClassification',
        ...input,
        by: caller.id,
        at: this.clock.at(),
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
    this.tables.assertReady();
    acceptedOrRefused(
      await this.govern.handle({
        type: 'DecideClassification',
        changeId,
        decision: input.decision,
        reason: input.reason,
        by: caller.id,
        at: this.clock.at(),
      }),
    );
    return { changeId, status: input.decision === 'approve' ? 'approved' : 'rejected' };
  }
}
