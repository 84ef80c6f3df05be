import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/** HS256 key bytes that never print: console.log, JSON.stringify and template strings show '[redacted]'. */
export class SharedSecret {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = Uint8Array.from(bytes);
  }

  get byteLength(): number {
    return this.#bytes.byteLength;
  }

  /** The raw key, for the signature library only. */
  bytes(): Uint8Array {
    return this.#bytes;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `SharedSecret(${REDACTED})`;
  }
}
