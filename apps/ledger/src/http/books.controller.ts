import { Controller, Get, Inject } from '@nestjs/common';
import { Roles } from '@custody/auth';
import { LedgerReadModelHost } from '../read-models/ledger-read-model-host';

/** The books as a whole: per-asset totals over clients, house and custody, and the HK-6 invariant check. */
@Controller('v1/books')
export class BooksController {
  constructor(@Inject(LedgerReadModelHost) private readonly read: LedgerReadModelHost) {}

  @Get('totals')
  @Roles('operator', 'auditor')
  async totals() {
    const [totals, house, asOfPosition] = await Promise.all([
      this.read.readModels.assetTotals(),
      this.read.readModels.houseBalances(),
      this.read.projector.checkpoint(),
    ]);
    return {
      asOfPosition: asOfPosition.toString(),
      assets: totals.map(({ lastPosition: _position, ...total }) => total),
      house: house.map((row) => ({
        purpose: row.ownerId,
        asset: row.asset,
        postedMinor: row.postedMinor,
      })),
    };
  }

  /** Per asset: client liabilities + house balances = custody assets recorded; `ok` only when every asset holds. */
  @Get('invariants')
  @Roles('operator', 'auditor')
  async invariants() {
    const [invariants, asOfPosition] = await Promise.all([
      this.read.readModels.invariants(),
      this.read.projector.checkpoint(),
    ]);
    return {
      asOfPosition: asOfPosition.toString(),
      ok: invariants.every((invariant) => invariant.holds),
      assets: invariants,
    };
  }
}
