import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRole } from '@custody/auth';
import { isTopic } from '@custody/contracts';
import { parseAllDocuments } from 'yaml';
import { AUDIT_CLI_COMMANDS, runAuditCli, type AuditCliCommand } from '../audit-cli/audit-cli';
import { REBUILD_READ_MODELS_FLAGS } from '../scripts/rebuild-read-models';
import { REDRIVE_DEAD_LETTERS_OPTIONS } from '../scripts/redrive-dead-letters';
import {
  checkRunbook,
  optionPairs,
  parseShell,
  type RunbookContext,
  type Word,
} from './runbook-commands';

const ROOT = resolve(__dirname, '../..');
const RUNBOOKS = 'docs/runbooks';

/** The six runbooks of issue 10 and issue 22's checkpoint copy; a file not among them fails (one topic, one file). */
const TOPICS: Readonly<Record<string, string>> = {
  'deploy-and-roll-back.md': 'deploy and roll back',
  'replay-dead-letters.md': 'replay dead letters',
  'rebuild-read-model.md': 'rebuild a read model',
  'rotate-a-key.md': 'rotate a key',
  'recover-from-a-lost-broker.md': 'recover from a lost broker',
  'restore-postgresql.md': 'restore PostgreSQL and re-verify the audit chain',
  'copy-checkpoints-to-write-once-storage.md':
    'copy the audit checkpoints to write-once storage (issue 22)',
};

/** External programs a runbook may run; anything else is a command that may not exist. */
const EXTERNAL_PROGRAMS = new Set([
  'kubectl',
  'kustomize',
  'psql',
  'pg_dump',
  'pg_restore',
  'curl',
  'jq',
  'openssl',
  'base64',
  'sha256sum',
  'date',
  'git',
  'node',
  'cat',
  'echo',
  'rm',
  'umask',
  'cd',
  // the AWS CLI: the audit checkpoints' write-once copy (S3 Object Lock, compliance mode)
  'aws',
  // the Apache Kafka image's tools (also in Strimzi's broker images), by full path
  '/opt/kafka/bin/kafka-topics.sh',
  '/opt/kafka/bin/kafka-consumer-groups.sh',
  '/opt/kafka/bin/kafka-get-offsets.sh',
  '/opt/kafka/bin/kafka-console-consumer.sh',
  '/opt/kafka/bin/kafka-metadata-quorum.sh',
  '/opt/kafka/bin/kafka-broker-api-versions.sh',
]);

const literal = (word: Word | undefined): string | undefined =>
  word === undefined || word.dynamic ? undefined : word.text;

/** What each of our scripts parses, from the scripts themselves (their exported lists), never restated here. */
const SCRIPT_ARGUMENTS: RunbookContext['scriptArguments'] = {
  audit: (args) => {
    const command = literal(args[0]);
    if (command === undefined)
      return ['npm run audit -- <command>: the command must be written literally'];
    if (!Object.hasOwn(AUDIT_CLI_COMMANDS, command))
      return [
        `the audit CLI has no command '${command}' (it has ${Object.keys(AUDIT_CLI_COMMANDS).join(', ')})`,
      ];
    return optionPairs(
      args.slice(1),
      AUDIT_CLI_COMMANDS[command as AuditCliCommand],
      `npm run audit -- ${command}`,
    );
  },
  'dead-letters:redrive': (args) => {
    const problems = optionPairs(
      args,
      REDRIVE_DEAD_LETTERS_OPTIONS,
      'npm run dead-letters:redrive',
    );
    const topic = literal(args[args.findIndex((word) => word.text === '--topic') + 1]);
    if (args.some((word) => word.text === '--topic') && topic !== undefined && !isTopic(topic))
      problems.push(`dead-letters:redrive: '${topic}' is not a known topic`);
    return problems;
  },
  'read-models:rebuild': (args) =>
    args
      .filter((word) => !(REBUILD_READ_MODELS_FLAGS as readonly string[]).includes(word.text))
      .map(
        (word) =>
          `npm run read-models:rebuild has no argument '${word.text}' (it reads ${REBUILD_READ_MODELS_FLAGS.join(', ')})`,
      ),
  'dev:token': (args) => {
    const roles = literal(args[0]);
    if (args.length === 0 || args.length > 2)
      return ['npm run dev:token -- <role[,role...]> [subject]'];
    return roles === undefined
      ? []
      : roles
          .split(',')
          .filter((role) => !isRole(role))
          .map((role) => `dev:token: '${role}' is not a role`);
  },
};

function yamlFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function deploymentsOf(directory: string): Set<string> {
  const names = new Set<string>();
  for (const file of yamlFiles(directory)) {
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const resource = (Array.isArray(document) ? undefined : document.toJS()) as
        { kind?: string; metadata?: { name?: string } } | null | undefined;
      if (resource?.kind === 'Deployment' && typeof resource.metadata?.name === 'string')
        names.add(resource.metadata.name);
    }
  }
  return names;
}

/** Every `alert:` name in the YAML documents under `directory` (Prometheus rule files and PrometheusRule resources alike). */
function alertsOf(directory: string): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      const alert = (value as { alert?: unknown }).alert;
      if (typeof alert === 'string') names.add(alert);
      Object.values(value).forEach(visit);
    }
  };
  for (const file of yamlFiles(directory))
    for (const document of parseAllDocuments(readFileSync(file, 'utf8')))
      if (!Array.isArray(document)) visit(document.toJS());
  return names;
}

/** Metric names the services register (`name: 'custody_...'` in apps/ and libs/, tests left out). */
function metricsOf(directories: readonly string[]): Set<string> {
  const names = new Set<string>();
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules') visit(join(path, name));
    } else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
      for (const match of readFileSync(path, 'utf8').matchAll(/name: '(custody_[a-z0-9_]+)'/g))
        names.add(match[1] as string);
    }
  };
  directories.forEach(visit);
  return names;
}

const context: RunbookContext = {
  scripts: (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts,
  scriptArguments: SCRIPT_ARGUMENTS,
  externalPrograms: EXTERNAL_PROGRAMS,
  deployments: deploymentsOf(join(ROOT, 'deploy')),
  alerts: alertsOf(join(ROOT, 'deploy')),
  metrics: metricsOf([join(ROOT, 'apps'), join(ROOT, 'libs')]),
  exists: (path) => existsSync(join(ROOT, path)),
};

const runbookFiles = readdirSync(join(ROOT, RUNBOOKS)).sort();

describe('runbooks (docs/runbooks): every step a command that exists', () => {
  it("are exactly the topics listed (issue 10's six, issue 22's checkpoint copy), one file each", () => {
    expect(runbookFiles).toEqual(Object.keys(TOPICS).sort());
  });

  it('the Deployments, alerts and metrics a runbook may name are read from the repository', () => {
    expect([...context.deployments].sort()).toEqual([
      'audit',
      'ledger',
      'policy',
      'reconciliation',
      'wallet',
    ]);
    expect(context.alerts).toContain('CustodyDeadLetters');
    expect(context.metrics).toContain('custody_outbox_relay_lag_events');
  });

  it.each(Object.keys(TOPICS))('%s: every command exists, with the arguments it takes', (file) => {
    const markdown = readFileSync(join(ROOT, RUNBOOKS, file), 'utf8');
    expect(checkRunbook(`${RUNBOOKS}/${file}`, markdown, context)).toEqual([]);
    const blocks = markdown.split('\n').filter((line) => line === '```sh').length;
    expect(blocks).toBeGreaterThanOrEqual(3);
  });

  it('the audit CLI accepts each command of its table, and only those', async () => {
    const run = async (argv: string[]) => {
      const errors: string[] = [];
      const code = await runAuditCli(argv, {
        out: () => undefined,
        err: (line) => errors.push(line),
      });
      return { code, first: errors.join('\n').split('\n')[0] ?? '' };
    };
    for (const command of Object.keys(AUDIT_CLI_COMMANDS)) {
      // no options: a known command asks for its first required option; an unknown one prints only the usage
      const answer = await run([command]);
      expect({ command, ...answer }).toEqual({
        command,
        code: 2,
        first: expect.stringMatching(/^--[a-z-]+ is required$/),
      });
      expect(AUDIT_CLI_COMMANDS[command as AuditCliCommand]).toContain(
        answer.first.split(' ')[0]?.slice(2),
      );
    }
    expect(await run(['verfiy'])).toEqual({ code: 2, first: 'custody audit <command> [options]' });
  });
});

describe('the runbook checker fails what does not exist (each case broken on purpose)', () => {
  const problemsOf = (commands: string) =>
    checkRunbook(
      'broken.md',
      `# Broken\n\n\`\`\`sh\n${commands}\n\`\`\`\n\nCheck: nothing.\n`,
      context,
    );

  it.each([
    [
      'npm run dead-letter:redrive -- --brokers $BROKERS --topic exchange.trades.v1',
      "broken.md:4: npm script 'dead-letter:redrive' is not in package.json",
    ],
    [
      'npm run -s audit -- verfiy --url http://localhost:3005 --token-file $TOKEN_FILE',
      "broken.md:4: the audit CLI has no command 'verfiy' (it has verify-pack, verify-consistency, export, verify, replay, trail, cross-check)",
    ],
    [
      'npm run -s audit -- verify --url http://localhost:3005 --tokenfile $TOKEN_FILE',
      'broken.md:4: npm run audit -- verify has no option --tokenfile (it reads --url, --token-file)',
    ],
    [
      'npm run -s audit -- verify --url http://localhost:3005 --token-file',
      'broken.md:4: npm run audit -- verify: --token-file needs a value',
    ],
    [
      'npm run -s dead-letters:redrive -- --brokers $BROKERS --topics exchange.trades.v1',
      'broken.md:4: npm run dead-letters:redrive has no option --topics (it reads --brokers, --topic)',
    ],
    [
      'npm run -s dead-letters:redrive -- --brokers $BROKERS --topic exchange.trade.v1',
      "broken.md:4: dead-letters:redrive: 'exchange.trade.v1' is not a known topic",
    ],
    [
      'npm run -s read-models:rebuild -- --yes',
      "broken.md:4: npm run read-models:rebuild has no argument '--yes' (it reads --confirm)",
    ],
    [
      'npm run -s read-models:rebuild --confirm',
      "broken.md:4: npm run read-models:rebuild: put the script's arguments after '--' (npm would read '--confirm' as its own)",
    ],
    [
      'npm run -s lint -- --fix',
      "broken.md:4: npm run lint takes no arguments (or the checker does not know them: add its parser's options to runbooks.spec.ts)",
    ],
    ['npm run -s dev:token -- auditors', "broken.md:4: dev:token: 'auditors' is not a role"],
    [
      'npm install',
      "broken.md:4: npm install: only 'npm ci', 'npm start', 'npm test' and 'npm run <script>' are checked",
    ],
    [
      'kafkacat -b $BROKERS -L',
      "broken.md:4: 'kafkacat' is neither one of our npm scripts nor on the allow-list of external programs",
    ],
    [
      'kubectl -n kafka exec $POD -- /opt/kafka/bin/kafka-reassign-partitions.sh --bootstrap-server $BROKERS',
      "broken.md:4: '/opt/kafka/bin/kafka-reassign-partitions.sh' is neither one of our npm scripts nor on the allow-list of external programs",
    ],
    [
      'export X=$(kubectl get pods | jqq .items)',
      "broken.md:4: 'jqq' is neither one of our npm scripts nor on the allow-list of external programs",
    ],
    [
      'curl -H "Authorization: Bearer $(catt $TOKEN_FILE)" localhost:3001/health/ready',
      "broken.md:4: 'catt' is neither one of our npm scripts nor on the allow-list of external programs",
    ],
    [
      'kubectl apply -k deploy/k8s-prod',
      'broken.md:4: deploy/k8s-prod does not exist in the repository',
    ],
    [
      'kubectl -n custody rollout undo deployment/ledgr',
      'broken.md:4: deployment/ledgr is not a Deployment of deploy/k8s (audit, ledger, policy, reconciliation, wallet)',
    ],
    ['$TOOL --help', "broken.md:4: the program '$TOOL' must be written literally"],
    [
      'while true',
      "broken.md:4: 'while': control flow is not checked; write one plain command per line",
    ],
    [
      'cat <<EOF',
      'broken.md:4: a here-document: put its content in a file of the repository and name the file',
    ],
    [
      'kubectl -n custody port-forward deployment/ledger 3001:3001 &',
      'broken.md:4: a background job (&): run one command at a time, each in its own terminal if it keeps running',
    ],
  ])('%s', (commands, problem) => {
    expect(problemsOf(commands)).toEqual([problem]);
  });

  it('names the line of a command continued over several lines, and of the next one', () => {
    expect(problemsOf('kubectl get pods \\\n  -n custody\nnpm run nope')).toEqual([
      "broken.md:6: npm script 'nope' is not in package.json",
    ]);
  });

  it('wants a Check: paragraph after each block, commands only in ```sh blocks, and paths in the prose that exist', () => {
    const markdown = [
      '# Broken',
      '',
      'See `tools/scripts/no-such-script.ts` and `no-such-runbook.md`.',
      '',
      '```sh',
      'kubectl get pods',
      '```',
      '',
      'Then `CustodyDeadLetter` and `custody_dead_letter_total`:',
      '',
      '```bash',
      'kubectl get pods',
      '```',
      '',
    ].join('\n');
    expect(checkRunbook('broken.md', markdown, context)).toEqual([
      'broken.md:3: tools/scripts/no-such-script.ts does not exist in the repository',
      'broken.md:3: no runbook docs/runbooks/no-such-runbook.md',
      "broken.md:7: each step's commands are followed by a 'Check:' paragraph (what to check after)",
      'broken.md:9: no alert CustodyDeadLetter in deploy/ (Prometheus rules)',
      'broken.md:9: no metric custody_dead_letter_total is exported by apps/ or libs/',
      'broken.md:11: a ```bash block: commands go in ```sh blocks (checked), output in ```text',
    ]);
  });

  it('reads quotes, $(...) inside double quotes and redirections as a shell does', () => {
    const { commands, problems } = parseShell(
      `export T=$(curl -fsS -H "A: $(cat "$F")" 'x y' | jq -r .a) && echo "$T" > out.txt 2>&1`,
    );
    expect(problems).toEqual([]);
    expect(commands.map((command) => command.words.map((word) => word.text).join(' '))).toEqual([
      'cat $F',
      'curl -fsS -H A: $(...) x y',
      'jq -r .a',
      'export T=$(...)',
      'echo $T',
    ]);
    expect(commands.at(-1)?.redirects).toEqual([{ text: 'out.txt', dynamic: false }]);
  });
});
