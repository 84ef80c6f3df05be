import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * PostgreSQL's COPY text format, both ways: one row per line, fields separated by tabs, a
 * backslash sequence for a backslash, tab, newline or carriage return inside a value.
 */
const COPY_SPECIAL_CHARACTERS = /[\\\t\n\r]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};
const COPY_UNESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Escapes a value for COPY's text format (backslash, tab, newline, carriage return). */
export function copyTextValue(value: string): string {
  return COPY_SPECIAL_CHARACTERS.test(value)
    ? value.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character] ?? character)
    : value;
}

/**
 * A field of COPY's text output back as it was stored. PostgreSQL writes a backslash, tab,
 * newline, carriage return, backspace, form feed and vertical tab as a backslash sequence
 * (octal and hex forms are accepted on input only, and handled here for completeness).
 */
export function unescapeCopyText(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(
    /\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/gs,
    (_match, octal: string | undefined, hex: string | undefined, other: string) => {
      if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8));
      if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
      return COPY_UNESCAPES[other] ?? other;
    },
  );
}

/** An open `COPY ... FROM STDIN` on the caller's connection (its transaction): chunks of rows in, then end. */
export interface CopyIn {
  /** Sends a chunk of whole lines (each ending in '\n'); waits while PostgreSQL is behind. */
  write(chunk: string): Promise<void>;
  /** Ends the COPY and waits until PostgreSQL has taken every row. */
  end(): Promise<void>;
  /** Abandons the COPY (CopyFail): nothing of it is kept and the connection leaves COPY mode. */
  abort(error: Error): void;
}

export function openCopyIn(db: Pick<PoolClient, 'query'>, copySql: string): CopyIn {
  const copy = db.query(copyFrom(copySql));
  const done = finished(copy);
  done.catch(() => undefined); // observed by end(); this only keeps an early failure from going unhandled
  return {
    async write(chunk) {
      if (!copy.write(chunk)) await Promise.race([once(copy, 'drain'), done]);
    },
    async end() {
      copy.end();
      await done;
    },
    abort(error) {
      copy.destroy(error);
    },
  };
}
