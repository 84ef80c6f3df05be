import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyCheckpoint, type Checkpoint } from '@custody/audit-domain';
import { waitFor } from '@custody/testing';
import { callAs, freePortRun, stopLeftOverChain } from './runner-process';

/** util-linux's `script`: runs a command under a new pseudo-terminal, its input passed to the terminal. */
const SCRIPT = '/usr/bin/script';
/** What the Ctrl-C key writes to a terminal: its driver signals SIGINT to the foreground process group. */
const CTRL_C = '\x03';
const WORKSPACE_ROOT = resolve(__dirname, '..', '..');
/** Start-up, the chain's set-up and the first trades, on a machine shared with other work. */
const WAIT_MS = 180_000;
/** The runner's own bound on its shutdown is 3 × SHUTDOWN_TIMEOUT_MS (apps/custody/src/main.ts); this is above it. */
const STOP_MS = 45_000;
/** After the terminal's command has exited, how long its processes may take to be reaped. */
const GONE_MS = 2_000;
/** Two starts and two stops per test. */
const TEST_TIMEOUT_MS = 600_000;
/** How much of the terminal's output a failure shows. */
const OUTPUT_TAIL_CHARS = 6_000;

interface Terminal {
  /** The exit code of `script`, i.e. of the terminal's command (a signal: 128 + its number). */
  readonly exit: Promise<number | null>;
  /** Everything the terminal showed: the runner's stderr and, without a pipe, its stdout. */
  output(): string;
  /** Ctrl-C typed at the terminal. */
  pressCtrlC(): void;
}

/**
 * `command` run by bash (as a terminal's shell would) under a real pseudo-terminal whose
 * foreground process group is the command's: a Ctrl-C written to it is signalled by the tty
 * driver to every process of that group (npm, its shell, the runner, tee), as at a keyboard.
 */
function startInTerminal(command: string, environment: Record<string, string>): Terminal {
  const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
    cwd: WORKSPACE_ROOT,
    env: environment,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return {
    exit,
    output: () => output,
    pressCtrlC: () => child.stdin.write(CTRL_C),
  };
}

/**
 * Every process of a run on `dataDir`: npm, its shell, the runner, its PostgreSQL (server and
 * backends) and anvil all carry CUSTODY_DATA_DIR in their environment, and the servers name a
 * path under it on their command line (what `pgrep -f` looks at). A zombie has neither.
 */
function processesOf(dataDir: string): string[] {
  const marker = `CUSTODY_DATA_DIR=${dataDir}`;
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (environ.includes(marker) || command.includes(dataDir))
        found.push(`${entry} ${command.trim()}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** A test that failed half-way: what it started is killed (by pid, found as in processesOf). */
function killProcessesOf(dataDir: string): void {
  for (const line of processesOf(dataDir)) {
    try {
      process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * Issue 26 part 1: `npm start` in a terminal, stopped with Ctrl-C. The terminal signals every
 * process of its foreground group, not the runner alone (as the other e2e tests do): the
 * embedded PostgreSQL and anvil must not be among them, so the runner stops them itself after
 * its last audit checkpoint, and no connection PostgreSQL closes may crash it. With and without
 * a pipe (`npm start | tee log`: tee dies at once, the runner's stdout is a broken pipe).
 */
describe('npm start in a terminal, stopped with Ctrl-C', () => {
  let dataDir: string;
  let exitsDir: string;
  let terminal: Terminal | undefined;

  beforeEach(() => {
    // the data directory itself from mkdtemp, as in the other runner tests: the embedded
    // PostgreSQL's user (as root) passes through it, not through a private parent of ours
    dataDir = mkdtempSync(join(tmpdir(), 'custody-ctrl-c-'));
    exitsDir = mkdtempSync(join(tmpdir(), 'custody-ctrl-c-exits-'));
  });

  afterEach(async () => {
    killProcessesOf(dataDir);
    terminal = undefined;
    await stopLeftOverChain(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(exitsDir, { recursive: true, force: true });
  });

  /**
   * The exit code of every Node process of the run, written by each as it exits (a crash
   * included: 'exit' is emitted on an uncaught exception too), by a module preloaded through
   * NODE_OPTIONS. The runner's own code cannot be read from npm's: npm runs scripts with
   * `sh -c`, and Debian's sh (dash) that got a SIGINT exits 130 whatever its child returned,
   * unless the script `exec`s (package.json's start scripts do: npm then gets the runner's code).
   */
  const exitRecorder = (): { file: string; nodeOptions: string } => {
    const file = join(exitsDir, 'exits.jsonl');
    const recorder = join(exitsDir, 'record-exit.js');
    writeFileSync(
      recorder,
      `process.on('exit', (code) => require('node:fs').appendFileSync(${JSON.stringify(file)}, JSON.stringify({ pid: process.pid, script: process.argv[1] ?? '', code }) + '\\n'));\n`,
    );
    return { file, nodeOptions: `--require ${recorder}` };
  };
  const runnerExitCodes = (file: string): Array<number | null> =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { script: string; code: number | null })
          .filter(({ script }) => script.endsWith(join('apps', 'custody', 'src', 'main.ts')))
          .map(({ code }) => code)
      : [];

  const ready = async (port: number) =>
    (await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.status,
      () => 0,
    )) === 200;

  /** The newest checkpoint file of the data directory, and whether the audit key signed it. */
  const lastCheckpoint = (): { checkpoint: Checkpoint; count: number; signed: boolean } => {
    const directory = join(dataDir, 'checkpoints');
    const files = existsSync(directory) ? readdirSync(directory).sort() : [];
    if (files.length === 0) throw new Error('no audit checkpoint was written');
    const checkpoint = JSON.parse(
      readFileSync(join(directory, files.at(-1) as string), 'utf8'),
    ) as Checkpoint;
    const publicKey = createPublicKey(
      createPrivateKey(readFileSync(join(dataDir, 'audit-signing.pem'), 'utf8')),
    );
    return { checkpoint, count: files.length, signed: verifyCheckpoint(checkpoint, publicKey) };
  };

  /**
   * Ctrl-C: the terminal's command ends within STOP_MS; the runner exited 0 after saying so, with
   * nothing crashed; no process of the run is left, nor a pid file naming one.
   */
  const pressCtrlCAndCheckStopped = async (
    running: Terminal,
    exits: string,
    what: string,
    /** What `npm start` itself exits with, where the terminal's command is npm (not a pipe into tee). */
    npmExit: number | undefined,
  ) => {
    const before = runnerExitCodes(exits).length;
    running.pressCtrlC();
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      running.exit.then(() => true),
      new Promise<false>((done) => (timer = setTimeout(() => done(false), STOP_MS))),
    ]);
    clearTimeout(timer);
    const output = running.output();
    const left = async () => {
      let processes: string[] = [];
      await waitFor(() => (processes = processesOf(dataDir)).length === 0, 'none', GONE_MS).catch(
        () => undefined,
      );
      return processes;
    };
    const result = {
      what,
      endedWithin: ended ? STOP_MS : 'no',
      runnerExitCodes: runnerExitCodes(exits).slice(before),
      npmExit: npmExit === undefined ? 'not checked' : ended ? await running.exit : 'running',
      processesLeft: await left(),
      pidFilesLeft: [
        join(dataDir, 'postgres', 'postmaster.pid'),
        join(dataDir, 'chain', 'anvil.pid'),
      ]
        .filter((file) => existsSync(file))
        .map((file) => file.slice(dataDir.length + 1)),
      crashed: /Unhandled 'error' event|Emitted 'error' event/.test(output),
      saidStopped: output.includes('[custody] stopped'),
    };
    const expected = {
      what,
      endedWithin: STOP_MS,
      runnerExitCodes: [0],
      npmExit: npmExit ?? 'not checked',
      processesLeft: [],
      pidFilesLeft: [],
      crashed: false,
      saidStopped: true,
    };
    if (JSON.stringify(result) !== JSON.stringify(expected))
      process.stderr.write(`${what}: the terminal showed:\n${output.slice(-OUTPUT_TAIL_CHARS)}\n`);
    expect(result).toEqual(expected);
  };

  const scenario = async (variant: 'plain' | 'piped') => {
    const port = await freePortRun();
    const [ledgerPort, auditPort] = [port + 1, port + 5];
    const { file: exits, nodeOptions } = exitRecorder();
    const environment = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? tmpdir(),
      SHELL: '/bin/bash',
      TERM: 'xterm',
      NODE_OPTIONS: nodeOptions,
      npm_config_update_notifier: 'false',
      CUSTODY_DATA_DIR: dataDir,
      CUSTODY_PORT: String(port),
      CUSTODY_SIMULATOR_TICK_MS: '200',
      CUSTODY_SIMULATOR_CLIENTS: '2',
      // no scheduled checkpoint during the test: the one found after Ctrl-C is the runner's last
      AUDIT_CHECKPOINT_INTERVAL_MS: '3600000',
      // piped: info logs keep coming on the runner's stdout after tee is gone
      ...(variant === 'piped' ? { LOG_LEVEL: 'info' } : {}),
    };
    const log = join(exitsDir, 'npm-start.log');
    // what the README says to type; piped, the runner's stdout goes to tee (its stderr to the terminal)
    const command = variant === 'plain' ? 'npm start' : `npm start | tee ${log}`;

    terminal = startInTerminal(command, environment);
    const first = terminal;
    for (const [name, servicePort] of [
      ['ledger', ledgerPort],
      ['audit', auditPort],
    ] as const)
      await waitFor(() => ready(servicePort), `the ${name} to be ready`, WAIT_MS);
    const secret = readFileSync(join(dataDir, 'auth-secret'), 'utf8').trim();
    const auditor = (servicePort: number, path: string) =>
      callAs(secret, `http://127.0.0.1:${servicePort}${path}`, 'e2e-auditor', ['auditor']);
    const auditSize = async () =>
      Number((await auditor(auditPort, '/v1/audit/status')).body['size']);
    // trading: the simulator's totals line, and trades booked and recorded
    await waitFor(
      () => /simulator: \d+ ticks, [1-9]\d* trades/.test(first.output()),
      'the simulator to trade',
      WAIT_MS,
    );
    await waitFor(async () => (await auditSize()) > 0, 'the audit record to grow', WAIT_MS);
    const balances = async () =>
      (await auditor(ledgerPort, '/v1/clients/sim-0001/balances')).body as {
        asOfPosition: string;
        balances?: unknown[];
      };
    await waitFor(
      async () => ((await balances()).balances?.length ?? 0) > 0,
      'sim-0001 to have balances',
      WAIT_MS,
    );
    const booked = await balances();
    const recorded = await auditSize();

    await pressCtrlCAndCheckStopped(
      first,
      exits,
      `${variant}: Ctrl-C while trading`,
      variant === 'plain' ? 0 : undefined,
    );
    const last = lastCheckpoint();
    expect({ signed: last.signed, coversRecord: last.checkpoint.treeSize >= recorded }).toEqual({
      signed: true,
      coversRecord: true,
    });
    if (variant === 'piped') expect(readFileSync(log, 'utf8')).toContain('> custody-ledger');

    // the next start on the same data directory resumes: ready again, the history intact
    terminal = startInTerminal(command, { ...environment, CUSTODY_SIMULATOR: 'off' });
    const second = terminal;
    for (const [name, servicePort] of [
      ['ledger', ledgerPort],
      ['audit', auditPort],
    ] as const)
      await waitFor(() => ready(servicePort), `the ${name} to be ready again`, WAIT_MS);
    const resumed = await balances();
    expect(BigInt(resumed.asOfPosition)).toBeGreaterThanOrEqual(BigInt(booked.asOfPosition));
    expect(resumed.balances?.length).toBeGreaterThan(0);
    const status = (await auditor(auditPort, '/v1/audit/status')).body as {
      size: number;
      lastCheckpoint: { treeSize: number; rootHash: string } | null;
    };
    expect(status.size).toBeGreaterThanOrEqual(last.checkpoint.treeSize);
    expect(status.lastCheckpoint).toMatchObject({
      treeSize: last.checkpoint.treeSize,
      rootHash: last.checkpoint.rootHash,
    });
    await pressCtrlCAndCheckStopped(
      second,
      exits,
      `${variant}: Ctrl-C after resuming`,
      variant === 'plain' ? 0 : undefined,
    );
    expect(lastCheckpoint().signed).toBe(true);
  };

  it(
    '`npm start`: Ctrl-C while trading stops it with exit 0, a last signed checkpoint and nothing left running; the next start resumes',
    () => scenario('plain'),
    TEST_TIMEOUT_MS,
  );

  it(
    '`npm start | tee log`: the same, though tee dies at once and the runner writes on into a broken pipe',
    () => scenario('piped'),
    TEST_TIMEOUT_MS,
  );
});
