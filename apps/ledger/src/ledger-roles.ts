/** Injection token: what this process of the ledger runs (LedgerRoles). */
export const LEDGER_ROLES = Symbol('custody.ledger.roles');
export const LEDGER_ROLE_NAMES = ['ingest', 'read-models'] as const;
export type LedgerRoleName = (typeof LEDGER_ROLE_NAMES)[number];

export interface LedgerRoles {
  /** Consume the exchange's trades and the wallet's movements into the books (needs KAFKA_BROKERS). */
  readonly ingest: boolean;
  /** Project the read models and check the books' invariant (HK-6) after each batch. */
  readonly readModels: boolean;
}

/**
 * LEDGER_ROLES, comma-separated (default: every role). A deployment may run the write side and
 * the read side in separate processes (each scales and uses its own CPU); every process serves
 * the HTTP API, and two processes with the same role share its work safely (the inbox consumer
 * group splits the partitions; projector batches lock their checkpoint).
 */
export function parseLedgerRoles(raw: string | undefined): LedgerRoles {
  if (raw === undefined || raw.trim() === '') return { ingest: true, readModels: true };
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(LEDGER_ROLE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `LEDGER_ROLES must be a comma-separated list of ${LEDGER_ROLE_NAMES.join(', ')}; not a role: ${unknown.map((name) => `'${name}'`).join(', ')}`,
    );
  }
  return { ingest: names.includes('ingest'), readModels: names.includes('read-models') };
}

/** LEDGER_ROLES checked before start-up: its problem, if any, as a configuration problem (exit 78 with the others). */
export function parseLedgerRolesProblems(
  raw: string | undefined,
): Array<{ variable: string; reason: string }> {
  try {
    parseLedgerRoles(raw);
    return [];
  } catch (error) {
    return [
      { variable: 'LEDGER_ROLES', reason: (error as Error).message.replace(/^LEDGER_ROLES /, '') },
    ];
  }
}
