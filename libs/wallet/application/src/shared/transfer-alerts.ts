import type { TransferAlertNotifier } from '../ports';

/** TW-15.3: alerts recorded as events are delivered to the notification port; a failed delivery is reported, the event stays. */
export class TransferAlerts {
  constructor(
    private readonly notifier?: TransferAlertNotifier,
    /** A delivery of an alert failed (the alert stays recorded as an event). */
    private readonly onNotifyError?: (error: unknown) => void,
  ) {}

  async deliver(
    events: readonly { readonly type: string; readonly data: object }[],
  ): Promise<void> {
    const notifier = this.notifier;
    if (notifier === undefined) return;
    for (const event of events) {
      if (event.type === 'LargeTransferAlerted')
        await notifier
          .notify(event.data as Parameters<TransferAlertNotifier['notify']>[0])
          .catch((error: unknown) => this.onNotifyError?.(error));
    }
  }
}
