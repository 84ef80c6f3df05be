import { readFile } from 'node:fs/promises';
import { ServiceUnavailableException, type Provider } from '@nestjs/common';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import {
  EntitlementBookings,
  type EntitlementDisclosureSource,
  type LedgerCommandHandler,
} from '@custody/ledger-application';
import { AccountBalanceSchema } from '@custody/ledger-read-models';
import { EVENT_STORE, SERVICE_ENVIRONMENT } from '@custody/service-host';
import { LEDGER_COMMAND_HANDLER } from '../ledger-tokens';
import { LedgerReadModelHost } from '../read-models/ledger-read-model-host';

export const LEDGER_ENTITLEMENTS = Symbol('custody.ledger.entitlements');
/** A call to the policy service for an asset's HK-20 disclosure is given up after this long. */
export const POLICY_DISCLOSURE_TIMEOUT_MS = 10_000;

const assetDecimals = (asset: string): number | undefined =>
  (DEFAULT_ASSET_REGISTRY as Readonly<Record<string, { decimals: number }>>)[asset]?.decimals;

/**
 * The policy service's HK-20 setting for an asset (GET /v1/entitlement-disclosures/:asset), with
 * the ledger's bearer token read from its file on every call (rotation). Without
 * LEDGER_POLICY_URL nothing can be read: every asset then has no disclosure, and a booking is
 * refused (ENTITLEMENT_DISCLOSURE_MISSING).
 */
export function policyDisclosureSource(
  environment: Readonly<Record<string, string | undefined>>,
): EntitlementDisclosureSource {
  const url = environment['LEDGER_POLICY_URL'];
  const tokenFile = environment['LEDGER_POLICY_TOKEN_FILE'];
  if (url === undefined || url === '' || tokenFile === undefined || tokenFile === '')
    return async () => null;
  return async (asset) => {
    const token = (await readFile(tokenFile, 'utf8')).trim();
    const response = await fetch(new URL(`/v1/entitlement-disclosures/${asset}`, url), {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(POLICY_DISCLOSURE_TIMEOUT_MS),
    });
    if (response.status !== 200)
      throw new Error(`the policy service answered ${response.status} for ${asset}'s disclosure`);
    const body = (await response.json()) as {
      setting: { treatment: string; version: number } | null;
    };
    if (body.setting === null) return null;
    const { treatment, version } = body.setting;
    if (
      (treatment !== 'clients-pro-rata' &&
        treatment !== 'house-retains' &&
        treatment !== 'not-supported') ||
      !Number.isSafeInteger(version)
    )
      throw new Error(`the policy service answered an unknown disclosure for ${asset}`);
    return { treatment, version };
  };
}

export const ENTITLEMENT_BOOKINGS: Provider = {
  provide: LEDGER_ENTITLEMENTS,
  inject: [EVENT_STORE, LEDGER_COMMAND_HANDLER, LedgerReadModelHost, SERVICE_ENVIRONMENT],
  useFactory: (
    store: PostgresEventStore,
    handler: LedgerCommandHandler,
    read: LedgerReadModelHost,
    environment: Readonly<Record<string, string | undefined>>,
  ) =>
    new EntitlementBookings(
      store,
      handler,
      assetDecimals,
      policyDisclosureSource(environment),
      // every client with an account in the asset (read models, once they have applied the snapshot's position):
      // its balance as at the snapshot is then read from its own books
      async (asset, upTo) => {
        if ((await read.projector.checkpoint()) < upTo)
          throw new ServiceUnavailableException({
            statusCode: 503,
            code: 'READ_MODELS_BUSY',
            reason: `the read models have not reached the snapshot's position ${upTo} yet; approve again shortly`,
          });
        return (
          await read.dataSource
            .getRepository(AccountBalanceSchema)
            .find({ where: { kind: 'client', asset }, order: { ownerId: 'ASC' } })
        ).map((row) => row.ownerId);
      },
    ),
};
