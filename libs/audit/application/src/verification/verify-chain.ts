import { AUDIT_GENESIS_HASH, verifyAuditChain, type ChainBreak } from '@custody/audit-domain';
import type { AuditRecords } from '../record/audit-records';
import { AUDIT_PAGE_RECORDS } from '../shared/audit-context';

/** HK-22 the record's whole hash chain verified, from its first record. */
export class VerifyChain {
  constructor(private readonly records: AuditRecords) {}

  /** Walks the whole chain page by page: the first break, or none; and how many records were checked. */
  async verify(
    onProgress?: (checked: number) => void,
  ): Promise<{ readonly checked: number; readonly broken?: ChainBreak }> {
    let previous = AUDIT_GENESIS_HASH;
    let checked = 0;
    for (;;) {
      const page = await this.records.records(BigInt(checked + 1), AUDIT_PAGE_RECORDS);
      const broken = verifyAuditChain(page, previous, BigInt(checked));
      if (broken !== undefined) return { checked: Number(broken.position) - 1, broken }; // every record before it holds
      if (page.length === 0) return { checked };
      checked += page.length;
      previous = page.at(-1)?.hash ?? previous;
      onProgress?.(checked);
    }
  }
}
