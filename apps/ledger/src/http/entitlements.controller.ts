import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseFilters } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import type { EntitlementBookings, EntitlementResult } from '@custody/ledger-application';
import {
  acceptedOrRefused,
  jsonView,
  LostRaceFilter,
  parseInput,
  refusal,
} from '@custody/service-host';
import { httpIdentifierSchema } from '@custody/contracts';
import { z } from 'zod/v4';
import { LEDGER_ENTITLEMENTS } from './entitlement-bookings.provider';

const asset = z.string().regex(/^[A-Z0-9]{2,16}$/);
const instant = z.iso.datetime({ offset: false });
/** Business time of an HTTP command is when it was received (the boundary, not the domain). */
const receivedAt = () => new Date().toISOString();

function answered(result: EntitlementResult) {
  const accepted = acceptedOrRefused(result);
  return { status: accepted.state.recorded?.status ?? null, events: jsonView(accepted.events) };
}

/**
 * HK-20 forks and airdrops: an operator records one (the asset's disclosure in force is read from
 * the policy service and kept with it), a different approver approves it: each client is credited
 * from its balance as at the snapshot, the house keeps what the disclosure says.
 */
@Controller('v1/entitlements')
@UseFilters(LostRaceFilter)
export class EntitlementsController {
  constructor(@Inject(LEDGER_ENTITLEMENTS) private readonly bookings: EntitlementBookings) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  async record(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseInput(
      z.strictObject({
        eventId: httpIdentifierSchema,
        asset,
        kind: z.enum(['fork', 'airdrop']),
        snapshotAt: instant,
        ratio: z.string().regex(/^(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?$/),
        newAsset: asset,
        walletId: httpIdentifierSchema,
      }),
      body,
    );
    return answered(
      await this.bookings.record({
        type: 'RecordEntitlement',
        ...input,
        requestedBy: caller.id,
        at: receivedAt(),
      }),
    );
  }

  @Post(':eventId/approve')
  @HttpCode(200)
  @Roles('approver')
  async approve(@Param('eventId') eventIdParam: string, @CurrentCaller() caller: Caller) {
    const eventId = parseInput(httpIdentifierSchema, eventIdParam, 'path');
    return answered(
      await this.bookings.approve({
        type: 'ApproveEntitlement',
        eventId,
        approvedBy: caller.id,
        at: receivedAt(),
      }),
    );
  }

  @Post(':eventId/reject')
  @HttpCode(200)
  @Roles('approver')
  async reject(
    @Param('eventId') eventIdParam: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ) {
    const eventId = parseInput(httpIdentifierSchema, eventIdParam, 'path');
    const input = parseInput(z.strictObject({ reason: z.string().min(1).max(500) }), body);
    return answered(
      await this.bookings.reject({
        type: 'RejectEntitlement',
        eventId,
        rejectedBy: caller.id,
        reason: input.reason,
        at: receivedAt(),
      }),
    );
  }

  /** The event as booked: request, disclosure it was booked under, status, and what each client and the house got. */
  @Get(':eventId')
  @Roles('operator', 'approver', 'auditor')
  async one(@Param('eventId') eventIdParam: string) {
    const eventId = parseInput(httpIdentifierSchema, eventIdParam, 'path');
    const recorded = (await this.bookings.state(eventId)).recorded;
    if (recorded === undefined)
      throw refusal({
        code: 'ENTITLEMENT_UNKNOWN',
        path: 'path.eventId',
        reason: `no event ${eventId} was recorded`,
      });
    return jsonView(recorded);
  }
}
