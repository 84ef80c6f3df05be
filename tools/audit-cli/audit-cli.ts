import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { evidenceReports } from './evidence-reports';
import {
  crossCheck,
  verifyCheckpoint,
  verifyConsistency,
  verifyEvidence,
  type AuditedSource,
  type Checkpoint,
  type InclusionEvidence,
  type StoreEvent,
} from '@custody/audit-domain';

/** Records between two progress lines on a long verification. */
export const PROGRESS_EVERY_RECORDS = 10_000;
/** Events a cross-check compares per service at most (each side held in memory). */
export const CROSS_CHECK_EVENTS_MAX = 2_000_000;
/** An HTTP call to the audit service that does not answer within this fails. */
export const AUDIT_HTTP_TIMEOUT_MS = 60_000;

/**
 * Every command and the options it reads, each given as `--name value` (tools/checks/runbooks.spec.ts
 * checks the runbooks' `npm run audit -- ...` lines against it; the switch below accepts exactly these).
 */
export const AUDIT_CLI_COMMANDS = {
  'verify-pack': ['pack', 'dir', 'public-key'],
  'verify-consistency': ['first', 'second', 'proof', 'public-key'],
  export: ['url', 'token-file', 'from', 'to', 'tree-size', 'out', 'out-dir'],
  verify: ['url', 'token-file'],
  replay: ['url', 'token-file', 'client', 'ledger-position', 'at', 'out'],
  trail: ['url', 'token-file', 'client', 'key'],
  'cross-check': ['url', 'token-file', 'services'],
} as const satisfies Record<string, readonly string[]>;
export type AuditCliCommand = keyof typeof AUDIT_CLI_COMMANDS;
type AuditCliOption = (typeof AUDIT_CLI_COMMANDS)[AuditCliCommand][number];
/** Options as given; only the listed names are ever read. */
type Options = ReadonlyMap<AuditCliOption, string>;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const USAGE = [
  'custody audit <command> [options]',
  "                                                       offline: the manifest's hashes (with --dir), the signature, then every record's proof",
  '  verify-consistency --first <checkpoint.json> --second <checkpoint.json> --proof <file> --public-key <pem>',
  '                                                       the first checkpoint is a prefix of the second (nothing changed, removed or reordered)',
  '  export --url <audit service> --token-file <file> --from <n> --to <n> [--tree-size <n>] (--out <file> | --out-dir <dir>)',
  '                                                       an evidence pack: records with proofs and their checkpoint; with --out-dir also the',
  "                                                       checkpoint alone, the state as of it, the service's public key, the TW-14 reconciliation reports",
  '                                                       among the records (reports/<run>.json and .csv) and a manifest of SHA-256 hashes',
  '  verify-pack (--pack <file> | --dir <dir>) --public-key <pem>',
  '  verify --url <audit service> --token-file <file>     the service walks its hash chain and names the first broken position',
  '  replay --url <audit service> --token-file <file> --client <id> (--ledger-position <n> | --at <instant>)',
  "                                                       a client's balances as of then, rebuilt from the audit record alone",
  '  replay --url <audit service> --token-file <file> --at <instant> [--out <file>]',
  '                                                       wallets, allow-lists, key access, policy version, open breaches and discrepancies, prices as of then',
  '  trail --url <audit service> --token-file <file> (--client <id> | --key <id>)',
  '                                                       every movement of a client, or every access change and use of a key, with who approved it',
  '  cross-check --url <audit service> --token-file <file> --services <topic>=<service url>[,...]',
  "                                                       each service's event store against the audit record: missing, extra or different, by position",
].join('\n');

function options(argv: readonly string[]): Options {
  const found = new Map<AuditCliOption, string>();
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    const value = argv[index + 1];
    if (name === undefined || !name.startsWith('--') || value === undefined)
      throw new Error(`expected --option value pairs, got ${name ?? 'nothing'}`);
    found.set(name.slice(2) as AuditCliOption, value); // an unknown name is kept and never read, as before
  }
  return found;
}

function required(found: Options, name: AuditCliOption): string {
  const value = found.get(name);
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

async function publicKeyFrom(path: string): Promise<KeyObject> {
  const key = createPublicKey(await readFile(path));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is not an Ed25519 public key`);
  return key;
}

async function json<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

async function call(url: string, tokenFile: string, path: string): Promise<unknown> {
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const response = await fetch(new URL(path, url), {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(AUDIT_HTTP_TIMEOUT_MS),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Runs one command; the exit code: 0 verified, 1 not verified (what failed is printed, with the position), 2 usage or input error. */
export async function runAuditCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const found = options(rest);
    switch (command as AuditCliCommand | undefined) {
      case 'verify-pack': {
        if (found.has('dir')) {
          // the manifest first: every file as exported, byte for byte
          const directory = required(found, 'dir');
          const manifest = await json<{ files: { name: string; sha256: string }[] }>(
            join(directory, 'manifest.json'),
          );
          for (const entry of manifest.files) {
            const actual = createHash('sha256')
              .update(await readFile(join(directory, entry.name)))
              .digest('hex');
            if (actual !== entry.sha256) {
              io.err(
                `${entry.name}: SHA-256 ${actual} is not the manifest's ${entry.sha256}: the pack was changed after export`,
              );
              return 1;
            }
          }
          io.out(`manifest: ${manifest.files.length} files as exported`);
        }
        const pack = await json<{ checkpoint: Checkpoint; records: InclusionEvidence[] }>(
          found.has('dir') ? join(required(found, 'dir'), 'pack.json') : required(found, 'pack'),
        );
        const key = await publicKeyFrom(required(found, 'public-key'));
        if (!verifyCheckpoint(pack.checkpoint, key)) {
          io.err(
            `checkpoint of ${pack.checkpoint.treeSize} records: signature NOT valid for key ${pack.checkpoint.keyId}`,
          );
          return 1;
        }
        io.out(
          `checkpoint of ${pack.checkpoint.treeSize} records, root ${pack.checkpoint.rootHash}, signed ${pack.checkpoint.at} by ${pack.checkpoint.keyId}: signature valid`,
        );
        let failed = 0;
        for (const [index, evidence] of pack.records.entries()) {
          const verdict = verifyEvidence(evidence, pack.checkpoint);
          if (!verdict.ok) {
            failed += 1;
            io.err(`record ${verdict.position}: NOT in the checkpoint: ${verdict.reason}`);
          }
          if ((index + 1) % PROGRESS_EVERY_RECORDS === 0)
            io.out(`... ${index + 1} of ${pack.records.length} records checked`);
        }
        if (failed > 0) {
          io.err(`${failed} of ${pack.records.length} records failed`);
          return 1;
        }
        io.out(`${pack.records.length} records verified against the checkpoint`);
        return 0;
      }
      case 'verify-consistency': {
        const [first, second] = [
          await json<Checkpoint>(required(found, 'first')),
          await json<Checkpoint>(required(found, 'second')),
        ];
        const { proof } = await json<{ proof: string[] }>(required(found, 'proof'));
        const key = await publicKeyFrom(required(found, 'public-key'));
        for (const checkpoint of [first, second]) {
          if (!verifyCheckpoint(checkpoint, key)) {
            io.err(`checkpoint of ${checkpoint.treeSize} records: signature NOT valid`);
            return 1;
          }
        }
        if (
          !verifyConsistency(
            first.treeSize,
            second.treeSize,
            Buffer.from(first.rootHash, 'hex'),
            Buffer.from(second.rootHash, 'hex'),
            proof.map((step) => Buffer.from(step, 'hex')),
          )
        ) {
          io.err(
            `the checkpoint of ${second.treeSize} records does NOT extend the one of ${first.treeSize}: a record among the first ${first.treeSize} was changed, removed or reordered, or the proof is forged`,
          );
          return 1;
        }
        io.out(
          `the checkpoint of ${second.treeSize} records extends the one of ${first.treeSize}: the first ${first.treeSize} records are unchanged`,
        );
        return 0;
      }
      case 'export': {
        const url = required(found, 'url');
        const tokenFile = required(found, 'token-file');
        const query = new URLSearchParams({
          from: required(found, 'from'),
          to: required(found, 'to'),
          ...(found.has('tree-size') ? { treeSize: required(found, 'tree-size') } : {}),
        });
        const pack = (await call(url, tokenFile, `/v1/audit/evidence?${query.toString()}`)) as {
          checkpoint: Checkpoint;
          records: InclusionEvidence[];
        };
        if (!found.has('out-dir')) {
          await writeFile(required(found, 'out'), `${JSON.stringify(pack, null, 2)}\n`);
          io.out(
            `wrote ${pack.records.length} records with their proofs into the checkpoint of ${pack.checkpoint.treeSize} to ${required(found, 'out')}`,
          );
          return 0;
        }
        const directory = required(found, 'out-dir');
        await mkdir(directory, { recursive: true });
        const state = await call(
          url,
          tokenFile,
          `/v1/audit/reconstruction/state?at=${encodeURIComponent(pack.checkpoint.at)}`,
        );
        const token = (await readFile(tokenFile, 'utf8')).trim();
        const publicKey = await (
          await fetch(new URL('/v1/audit/public-key', url), {
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(AUDIT_HTTP_TIMEOUT_MS),
          })
        ).text();
        const files: Record<string, string> = {
          'pack.json': `${JSON.stringify(pack, null, 2)}\n`,
          'checkpoint.json': `${JSON.stringify(pack.checkpoint, null, 2)}\n`,
          'state.json': `${JSON.stringify(state, null, 2)}\n`,
          'service-public-key.pem': publicKey,
          ...evidenceReports(pack.records),
        };
        for (const [name, content] of Object.entries(files)) {
          await mkdir(dirname(join(directory, name)), { recursive: true });
          await writeFile(join(directory, name), content);
        }
        const manifest = {
          format: 'custody-evidence-pack-v1',
          records: {
            from: required(found, 'from'),
            to: required(found, 'to'),
            treeSize: pack.checkpoint.treeSize,
          },
          files: Object.entries(files).map(([name, content]) => ({
            name,
            bytes: Buffer.byteLength(content),
            sha256: createHash('sha256').update(content).digest('hex'),
          })),
        };
        await writeFile(join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        io.out(
          `wrote an evidence pack of ${pack.records.length} records in the checkpoint of ${pack.checkpoint.treeSize} to ${directory} (manifest.json lists every file's SHA-256)`,
        );
        return 0;
      }
      case 'verify': {
        const result = (await call(
          required(found, 'url'),
          required(found, 'token-file'),
          '/v1/audit/verify',
        )) as { checked: number; broken?: { position: string; problem: string } };
        if (result.broken !== undefined) {
          io.err(
            `the audit chain is broken at record ${result.broken.position}: ${result.broken.problem} (${result.checked} records before it hold)`,
          );
          return 1;
        }
        io.out(`the audit chain holds: ${result.checked} records`);
        return 0;
      }
      case 'replay': {
        if (!found.has('client')) {
          const state = await call(
            required(found, 'url'),
            required(found, 'token-file'),
            `/v1/audit/reconstruction/state?at=${encodeURIComponent(required(found, 'at'))}`,
          );
          const text = JSON.stringify(state, null, 2);
          if (found.has('out')) {
            await writeFile(required(found, 'out'), `${text}\n`);
            io.out(`wrote the state as of ${required(found, 'at')} to ${required(found, 'out')}`);
          } else io.out(text);
          return 0;
        }
        const client = required(found, 'client');
        const asOf = found.has('ledger-position')
          ? `ledgerPosition=${required(found, 'ledger-position')}`
          : `at=${encodeURIComponent(required(found, 'at'))}`;
        const rebuilt = await call(
          required(found, 'url'),
          required(found, 'token-file'),
          `/v1/audit/reconstruction/clients/${encodeURIComponent(client)}/balances?${asOf}`,
        );
        io.out(JSON.stringify(rebuilt, null, 2));
        return 0;
      }
      case 'trail': {
        const path = found.has('client')
          ? `/v1/audit/trails/clients/${encodeURIComponent(required(found, 'client'))}`
          : `/v1/audit/trails/keys/${encodeURIComponent(required(found, 'key'))}`;
        const result = (await call(
          required(found, 'url'),
          required(found, 'token-file'),
          path,
        )) as {
          trail: {
            auditPosition: string;
            at: string;
            type: string;
            summary: string;
            people: Record<string, unknown>;
          }[];
        };
        for (const entry of result.trail)
          io.out(
            `${entry.at}  #${entry.auditPosition}  ${entry.type}  ${entry.summary}${Object.keys(entry.people).length === 0 ? '' : `  ${JSON.stringify(entry.people)}`}`,
          );
        io.out(`${result.trail.length} entries`);
        return 0;
      }
      case 'cross-check': {
        const url = required(found, 'url');
        const tokenFile = required(found, 'token-file');
        let failed = 0;
        for (const pair of required(found, 'services').split(',')) {
          const [topic, serviceUrl] = pair.split('=');
          if (topic === undefined || serviceUrl === undefined)
            throw new Error(`--services takes <topic>=<url>, got ${pair}`);
          const store: StoreEvent[] = [];
          for (let after = '0'; ;) {
            const page = (await call(
              serviceUrl,
              tokenFile,
              `/v1/event-log?after=${after}&limit=1000`,
            )) as {
              events: { globalPosition: string; hash: string; eventId: string }[];
              next: { after: string } | null;
            };
            store.push(
              ...page.events.map((event) => ({
                position: event.globalPosition,
                hash: event.hash,
                eventId: event.eventId,
              })),
            );
            if (page.next === null || store.length >= CROSS_CHECK_EVENTS_MAX) break;
            after = page.next.after;
          }
          const audited: AuditedSource[] = [];
          for (let after = '0'; ;) {
            const page = (await call(
              url,
              tokenFile,
              `/v1/audit/sources?topic=${encodeURIComponent(topic)}&after=${after}`,
            )) as { entries: AuditedSource[]; next: { after: string } | null };
            audited.push(...page.entries);
            if (page.next === null || audited.length >= CROSS_CHECK_EVENTS_MAX) break;
            after = page.next.after;
            if (audited.length % PROGRESS_EVERY_RECORDS === 0)
              io.out(`... ${audited.length} audited events of ${topic} read`);
          }
          const result = crossCheck(store, audited);
          for (const finding of result.findings)
            io.err(
              `${topic} position ${finding.sourcePosition}: ${finding.problem.toUpperCase()}: ${finding.reason}`,
            );
          failed += result.findings.length;
          io.out(
            `${topic}: ${result.storeEvents} events in the store, ${result.auditedEvents} in the audit record, ${result.findings.length} findings`,
          );
        }
        return failed === 0 ? 0 : 1;
      }
      default:
        io.err(USAGE);
        return 2;
    }
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
}

if (require.main === module) {
  void runAuditCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
