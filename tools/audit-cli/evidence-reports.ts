import { RECONCILIATION_EVENTS_TOPIC } from '@custody/contracts';
import type { InclusionEvidence } from '@custody/audit-domain';
import { decodeAmounts, type JsonObject } from '@custody/event-store';
import {
  reconciliationCsv,
  type ReconciliationRunRecorded,
} from '@custody/reconciliation-application';

/** A report file name from a run id: letters, digits, '.', '_' and '-' kept, anything else '_'. */
function fileNameOf(runId: string): string {
  return runId.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * The reports an evidence pack carries (issue 8: "events, proofs, checkpoint, reports"): each
 * TW-14 reconciliation run among the pack's records, as the reconciliation service recorded it
 * (`reports/<runId>.json`, its data exactly as published) and as the service's own CSV report
 * (`reports/<runId>.csv`, made by the same code from that data). Every one is a record of the
 * pack, with its proof, so an auditor can tie each report to the signed checkpoint.
 */
export function evidenceReports(records: readonly InclusionEvidence[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const record of records) {
    if (record.entry.topic !== RECONCILIATION_EVENTS_TOPIC) continue;
    const envelope = JSON.parse(
      Buffer.from(record.entry.valueBase64, 'base64').toString('utf8'),
    ) as { type?: string; data?: JsonObject };
    if (envelope.type !== 'ReconciliationRunCompleted' || envelope.data === undefined) continue;
    const data = decodeAmounts(envelope.data) as ReconciliationRunRecorded['data'];
    const name = `reports/${fileNameOf(data.runId)}`;
    files[`${name}.json`] =
      `${JSON.stringify({ position: record.position, runId: data.runId, businessDay: data.businessDay, data: envelope.data }, null, 2)}\n`;
    files[`${name}.csv`] = reconciliationCsv(data);
  }
  return files;
}
