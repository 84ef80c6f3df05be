/** A webhook that does not answer within this is a failed delivery. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** POSTs JSON (bigint as decimal text) to a configured URL; a non-2xx answer or no answer is an error. */
export class JsonWebhook {
  constructor(readonly url: string) {}

  async post(body: unknown): Promise<void> {
    const text = JSON.stringify(body, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (!response.ok)
      throw new Error(`webhook ${new URL(this.url).host} answered ${response.status}`);
  }
}
