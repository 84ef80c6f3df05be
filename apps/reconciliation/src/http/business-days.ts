import { Inject, Injectable } from '@nestjs/common';
import { businessDayOf } from '@custody/reconciliation-domain';
import { refusal } from '@custody/service-host';
import { RECONCILIATION_CONFIG, type ReconciliationConfig } from '../reconciliation-config';

/** The business day it is now in the configured calendar, as the run routes check it. */
@Injectable()
export class BusinessDays {
  constructor(@Inject(RECONCILIATION_CONFIG) private readonly config: ReconciliationConfig) {}

  /** A run of a business day that has not begun says nothing true (and its due dates would never come). */
  assertNotFuture(businessDay: string): void {
    const today = businessDayOf(new Date().toISOString(), this.config.calendar);
    if (businessDay > today)
      throw refusal({
        code: 'RUN_DAY_IN_THE_FUTURE',
        path: 'body.businessDay',
        reason: `${businessDay} is after the current business day ${today}`,
      });
  }
}
