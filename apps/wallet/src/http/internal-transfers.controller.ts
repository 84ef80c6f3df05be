import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import { z } from 'zod/v4';
import { WalletAvailability } from '../host/wallet-availability';
import { RequestInternalTransfer } from '@custody/wallet-application';
import { amountMinor, asset, identifier, orRefused, parseBody, view } from './wallet-http';

const internalTransfer = z.strictObject({
  transferId: identifier,
  sourceWalletId: identifier,
  destinationWalletId: identifier,
  asset,
  amountMinor,
});

/**
 * Transfers between our own wallets (TW-15.4: cold-to-hot, hot-to-cold): requested by an
 * operator, reviewed and approved like a withdrawal (GET and approvals under /v1/withdrawals/:id,
 * the transfer id being the movement id), signed once the quorum holds; no client, no hold.
 */
@Controller('v1/internal-transfers')
export class InternalTransfersController {
  constructor(
    @Inject(WalletAvailability) private readonly availability: WalletAvailability,
    @Inject(RequestInternalTransfer) private readonly transfers: RequestInternalTransfer,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('operator')
  async request(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const input = parseBody(internalTransfer, body);
    this.availability.assertAvailable();
    const transfer = { ...input, amountMinor: BigInt(input.amountMinor) };
    return view(orRefused(await this.transfers.execute(transfer, caller.id)).state);
  }
}
