import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { refusal } from '@custody/service-host';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { hasKeyAccess, QUORUM_SPANS } from '@custody/wallet-domain';
import { z } from 'zod/v4';
import {
  DecideKeyAccessChange,
  loadRoster,
  RegisterCustodian,
  RegisterWallet,
  RequestKeyAccessChange,
  RotateWalletKey,
  WalletFacts,
  type WalletContext,
} from '@custody/wallet-application';
import { WalletAvailability } from '../host/wallet-availability';
import { WALLET_CONTEXT } from '../host/wallet-slices.providers';
import {
  asset,
  BACKUPS_MAX,
  chain,
  identifier,
  instant,
  location,
  orRefused,
  parseBody,
  reason,
  view,
  WALLET_ASSETS_MAX,
} from './wallet-http';

const registration = z.strictObject({
  walletId: identifier,
  tier: z.enum(['cold', 'hot']),
  ownerClass: z.enum(['client-segregated', 'house']),
  chain,
  assets: z.array(asset).min(1).max(WALLET_ASSETS_MAX),
  keyLocation: location,
  backups: z.array(location).max(BACKUPS_MAX),
  rotationDueAt: instant,
  quorum: z.strictObject({
    required: z.int().min(1).max(100),
    spanDepartmentsOrSites: z.boolean(),
    /** HK-11e: distinct departments, sites, both or either (left out: either); needs spanDepartmentsOrSites. */
    span: z.enum(QUORUM_SPANS).optional(),
    approvalTtlMs: z.int().min(1),
  }),
  confirmationsRequired: z.int().min(1),
});
const rotation = z.strictObject({
  requestId: identifier,
  rotationDueAt: instant,
  keyLocation: location,
  backups: z.array(location).max(BACKUPS_MAX),
  reason,
});
const custodian = z.strictObject({
  custodianId: identifier,
  name: z.string().min(1).max(200),
  department: z.string().min(1).max(64),
  site: z.string().min(1).max(64),
});
const accessChange = z.strictObject({
  changeId: identifier,
  custodianId: identifier,
  walletId: identifier,
  action: z.enum(['grant', 'revoke']),
  reason,
});
const accessDecision = z.strictObject({ decision: z.enum(['approve', 'reject']), reason });

/**
 * Wallets and their HSM keys (HK-11a/b/f): registered by an admin (the key is generated inside
 * the HSM; the answer carries its address, never key material); read by operators, custodians
 * and auditors.
 */
@Controller('v1/wallets')
export class WalletsController {
  constructor(
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(RegisterWallet) private readonly registration: RegisterWallet,
    @Inject(RotateWalletKey) private readonly keyRotation: RotateWalletKey,
    @Inject(WalletFacts) private readonly wallets: WalletFacts,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  async register(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseBody(registration, body);
    this.availability.assertAvailable();
    const result = orRefused(await this.registration.execute(input, caller.id));
    return view(result.state);
  }

  @Get()
  @Roles('operator', 'key-custodian', 'auditor', 'admin')
  async list() {
    this.availability.assertAvailable();
    const wallets = [];
    for (const walletId of await this.wallets.walletIds())
      wallets.push(await this.wallets.wallet(walletId));
    return { wallets: view(wallets) };
  }

  @Get(':walletId')
  @Roles('operator', 'key-custodian', 'auditor', 'admin')
  async get(@Param('walletId') walletId: string) {
    this.availability.assertAvailable();
    const wallet = await this.wallets.wallet(walletId);
    if (wallet === undefined)
      throw refusal({
        code: 'WALLET_UNKNOWN',
        path: 'path.walletId',
        reason: `no wallet ${walletId}`,
      });
    return view(wallet);
  }

  /** HK-11a: a rotation is requested by one admin... */
  @Post(':walletId/key-rotations')
  @HttpCode(201)
  @Roles('admin')
  async requestRotation(
    @Param('walletId') walletId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const change = parseBody(rotation, body);
    this.availability.assertAvailable();
    return view(orRefused(await this.keyRotation.request(walletId, change, caller.id)).state);
  }

  /** ...and approved by a different admin or approver: only then is the new key generated in the HSM. */
  @Post(':walletId/key-rotations/:requestId/approval')
  @HttpCode(200)
  @Roles('admin', 'approver')
  async approveRotation(
    @Param('walletId') walletId: string,
    @Param('requestId') requestId: string,
    @CurrentCaller() caller: Caller,
  ) {
    this.availability.assertAvailable();
    return view(orRefused(await this.keyRotation.approve(walletId, requestId, caller.id)).state);
  }
}

/**
 * Key custodians and their access to keys (TW-18, HK-11c): the roster and every permission
 * change are maker-checker: an admin requests, a different approver (never the custodian
 * concerned) decides, both with reasons, both recorded as events.
 */
@Controller('v1/custodians')
export class CustodiansController {
  constructor(
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(WALLET_CONTEXT) private readonly context: WalletContext,
    @Inject(RegisterCustodian) private readonly custodianRegistration: RegisterCustodian,
    @Inject(RequestKeyAccessChange) private readonly changeRequests: RequestKeyAccessChange,
    @Inject(DecideKeyAccessChange) private readonly changeDecisions: DecideKeyAccessChange,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  async register(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseBody(custodian, body);
    this.availability.assertAvailable();
    orRefused(await this.custodianRegistration.execute(input, caller.id));
    return view(input);
  }

  @Get()
  @Roles('admin', 'approver', 'auditor')
  async roster() {
    this.availability.assertAvailable();
    const roster = await loadRoster(this.context);
    const walletIds = [...roster.grants.keys()];
    return {
      custodians: [...roster.custodians.values()].map((entry) => ({
        ...entry,
        wallets: walletIds.filter((walletId) => hasKeyAccess(roster, walletId, entry.custodianId)),
      })),
      changes: view(roster.changes),
    };
  }

  @Post('key-access-changes')
  @HttpCode(201)
  @Roles('admin')
  async requestChange(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const change = parseBody(accessChange, body);
    this.availability.assertAvailable();
    const result = orRefused(await this.changeRequests.execute(change, caller.id));
    return view(result.state.changes.get(change.changeId));
  }

  /** TW-18 / HK-11c: decided by an approver only; an admin asks, never decides (two admins cannot grant key access between them). */
  @Post('key-access-changes/:changeId/decision')
  @HttpCode(200)
  @Roles('approver')
  async decideChange(
    @Param('changeId') changeId: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const decision = parseBody(accessDecision, body);
    this.availability.assertAvailable();
    const result = orRefused(
      await this.changeDecisions.execute(changeId, decision.decision, decision.reason, caller.id),
    );
    return view(result.state.changes.get(changeId));
  }
}
