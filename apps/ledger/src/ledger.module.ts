import { Module } from '@nestjs/common';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import { LedgerCommandHandler } from '@custody/ledger-application';
import { DatabaseReadiness, EVENT_STORE, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { BooksController } from './http/books.controller';
import { ClientsController } from './http/clients.controller';
import { ENTITLEMENT_BOOKINGS } from './http/entitlement-bookings.provider';
import { EntitlementsController } from './http/entitlements.controller';
import {
  LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS,
  parseAdjustmentApprovalWindow,
} from './ledger-adjustments';
import { LEDGER_ROLES, parseLedgerRoles } from './ledger-roles';
import { LEDGER_COMMAND_HANDLER, LEDGER_WRITE_SIDE_READY } from './ledger-tokens';
import { LEDGER_INBOX_TRANSPORT, LedgerMessagesController } from './messaging/ledger-ingestion';
import { LedgerReadModelHost } from './read-models/ledger-read-model-host';

const assetDecimals = (asset: string): number | undefined =>
  (DEFAULT_ASSET_REGISTRY as Readonly<Record<string, { decimals: number }>>)[asset]?.decimals;

/**
 * The ledger service: client and house accounts per asset, double-entry journals, holds (HK-6/7/8/21, TW-12).
 * Writes go through the one write path (LedgerCommandHandler over the service's event store);
 * reads come from the read models (TypeORM) a projector keeps up to date, or, as of a past
 * instant, from snapshots plus events; with KAFKA_BROKERS set it consumes the exchange's trades
 * and the wallet's movements.
 */
@Module({
  controllers: [
    ClientsController,
    BooksController,
    EntitlementsController,
    LedgerMessagesController,
  ],
  providers: [
    {
      provide: LEDGER_ROLES,
      useFactory: (environment: Readonly<Record<string, string | undefined>>) =>
        parseLedgerRoles(environment['LEDGER_ROLES']),
      inject: [SERVICE_ENVIRONMENT],
    },
    {
      provide: LEDGER_ADJUSTMENT_APPROVAL_WINDOW_MS,
      useFactory: (environment: Readonly<Record<string, string | undefined>>) =>
        parseAdjustmentApprovalWindow(environment),
      inject: [SERVICE_ENVIRONMENT],
    },
    {
      provide: LEDGER_COMMAND_HANDLER,
      inject: [EVENT_STORE],
      useFactory: (store: PostgresEventStore) => new LedgerCommandHandler(store, assetDecimals),
    },
    {
      provide: LEDGER_WRITE_SIDE_READY,
      inject: [LEDGER_COMMAND_HANDLER, DatabaseReadiness],
      useFactory: (handler: LedgerCommandHandler, readiness: DatabaseReadiness) => {
        // wrapped: Nest would await a bare promise and block start-up until the database is reachable
        const ready = readiness.prepare('ledger snapshots', () => handler.migrate());
        return { ready };
      },
    },
    LedgerReadModelHost,
    ENTITLEMENT_BOOKINGS,
    LEDGER_INBOX_TRANSPORT,
  ],
})
export class LedgerModule {}
