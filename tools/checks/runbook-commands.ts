// Reads the ```sh blocks of the runbooks (docs/runbooks/*.md) as a shell would split them, and
// says which commands do not exist: used by tools/checks/runbooks.spec.ts. The shell subset is
// deliberately small (plain commands joined by |, &&, ||, ;, with quotes, $VAR, $(...) and
// redirections); anything else (loops, subshells, here-documents, background jobs) is reported,
// so no command escapes the check by being written in a form it cannot read.

/** One word of a command, quotes removed; `dynamic` when part of it is only known at run time ($VAR, $(...)). */
export interface Word {
  readonly text: string;
  readonly dynamic: boolean;
}

export interface ShellCommand {
  readonly words: readonly Word[];
  /** Targets of > >> < (files). */
  readonly redirects: readonly Word[];
  /** Line in the runbook where the command starts. */
  readonly line: number;
}

export interface Problem {
  readonly line: number;
  readonly message: string;
}

/** What a script's arguments (after `npm run <script> --`) must be; the problems found, none when fine. */
export type ArgumentsRule = (args: readonly Word[]) => string[];

export interface RunbookContext {
  /** Scripts of package.json. */
  readonly scripts: Readonly<Record<string, string>>;
  /** The arguments each of our scripts parses; a script absent here takes none. */
  readonly scriptArguments: Readonly<Record<string, ArgumentsRule>>;
  /** External programs a runbook may use (the allow-list). */
  readonly externalPrograms: ReadonlySet<string>;
  /** Deployments of deploy/k8s (what `deployment/<name>` may name). */
  readonly deployments: ReadonlySet<string>;
  /** Prometheus alerts of deploy/ (what a runbook may name as its trigger: `CustodyDeadLetters`). */
  readonly alerts: ReadonlySet<string>;
  /** Metrics the services export (what a runbook may tell to look at: `custody_outbox_relay_lag_events`). */
  readonly metrics: ReadonlySet<string>;
  /** Whether a path relative to the repository root exists. */
  readonly exists: (path: string) => boolean;
}

const CONTROL_WORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'function',
  'select',
  'time',
]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** A path into the repository, alone or after `=` (`--kustomize=deploy/k8s`). */
const REPO_PATH = /(?:^|=)(?:\.\/)?((?:apps|libs|tools|deploy|docs)\/[^\s=]*)$/;
/** Fence languages that may hold no commands (output, data). */
const NON_COMMAND_FENCES = new Set(['text', 'json', 'yaml']);

class ShellParser {
  private index = 0;
  private line: number;
  readonly commands: ShellCommand[] = [];
  readonly problems: Problem[] = [];
  private words: Word[] = [];
  private redirects: Word[] = [];
  private commandLine = -1;
  private text = '';
  private dynamic = false;
  private inWord = false;
  private redirectNext = false;

  constructor(
    private readonly source: string,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  parse(): this {
    const source = this.source;
    while (this.index < source.length) {
      const c = source[this.index] as string;
      const next = source[this.index + 1];
      if (c === '\\' && next === '\n') {
        this.index += 2;
        this.line += 1;
      } else if (c === '\n') {
        this.endWord();
        this.endCommand();
        this.line += 1;
        this.index += 1;
      } else if (c === ' ' || c === '\t') {
        this.endWord();
        this.index += 1;
      } else if (c === '#' && !this.inWord) {
        while (this.index < source.length && source[this.index] !== '\n') this.index += 1;
      } else if (c === "'") {
        this.start();
        const end = source.indexOf("'", this.index + 1);
        if (end === -1) return this.fail("a quote (') is not closed");
        this.literal(source.slice(this.index + 1, end));
        this.index = end + 1;
      } else if (c === '"') {
        this.start();
        this.index = this.doubleQuoted(this.index + 1);
      } else if (c === '\\') {
        this.start();
        this.text += next ?? '';
        this.index += 2;
      } else if (c === '$') {
        this.start();
        this.index = this.dollar(this.index);
      } else if (c === '`') {
        this.problem('backquotes: write $(...)');
        this.index += 1;
      } else if (c === '|' || c === ';' || c === '&') {
        this.endWord();
        const two = source.slice(this.index, this.index + 2);
        if (c === '&' && two !== '&&') {
          this.problem(
            'a background job (&): run one command at a time, each in its own terminal if it keeps running',
          );
          this.index += 1;
          continue;
        }
        this.endCommand();
        this.index += two === '&&' || two === '||' ? 2 : 1;
      } else if (c === '>' || c === '<') {
        this.redirection();
      } else if (!this.inWord && (c === '(' || c === ')' || c === '{' || c === '}')) {
        this.problem(
          `'${c}': subshells, groups and control flow are not checked; write one plain command per line`,
        );
        this.index += 1;
      } else {
        this.start();
        this.text += c;
        this.index += 1;
      }
    }
    this.endWord();
    this.endCommand();
    return this;
  }

  private fail(message: string): this {
    this.problem(message);
    this.index = this.source.length;
    return this;
  }

  private problem(message: string): void {
    this.problems.push({ line: this.line, message });
  }

  private literal(text: string): void {
    this.text += text;
    this.line += text.split('\n').length - 1;
  }

  private start(): void {
    if (this.inWord) return;
    this.inWord = true;
    this.text = '';
    this.dynamic = false;
    if (this.commandLine === -1) this.commandLine = this.line;
  }

  private endWord(): void {
    if (!this.inWord) return;
    const word = { text: this.text, dynamic: this.dynamic };
    if (this.redirectNext) this.redirects.push(word);
    else this.words.push(word);
    this.redirectNext = false;
    this.inWord = false;
  }

  private endCommand(): void {
    if (this.redirectNext) this.problem('a redirection without a target');
    this.redirectNext = false;
    if (this.words.length > 0 || this.redirects.length > 0)
      this.commands.push({ words: this.words, redirects: this.redirects, line: this.commandLine });
    this.words = [];
    this.redirects = [];
    this.commandLine = -1;
  }

  private redirection(): void {
    const source = this.source;
    // `2>`: the digits before are a file descriptor, not a word
    if (this.inWord && !this.dynamic && /^\d+$/.test(this.text)) this.inWord = false;
    else this.endWord();
    if (source.startsWith('<<', this.index)) {
      this.fail('a here-document: put its content in a file of the repository and name the file');
      return;
    }
    this.index += source[this.index + 1] === '>' ? 2 : 1;
    if (source[this.index] === '&') {
      // >&2, 2>&1: the target is a descriptor
      this.index += 1;
      while (/\d/.test(source[this.index] ?? '')) this.index += 1;
      return;
    }
    this.redirectNext = true;
  }

  /** After the opening quote; returns the index after the closing one. */
  private doubleQuoted(from: number): number {
    const source = this.source;
    let index = from;
    while (index < source.length) {
      const c = source[index] as string;
      if (c === '"') return index + 1;
      if (c === '\\' && '$`"\\\n'.includes(source[index + 1] ?? '')) {
        this.literal(source[index + 1] as string);
        index += 2;
      } else if (c === '$') {
        index = this.dollar(index);
      } else if (c === '`') {
        this.problem('backquotes: write $(...)');
        index += 1;
      } else {
        this.literal(c);
        index += 1;
      }
    }
    this.problem('a quote (") is not closed');
    return source.length;
  }

  /** At a `$`; returns the index after the expansion. Commands inside $(...) are parsed and checked too. */
  private dollar(at: number): number {
    const source = this.source;
    const next = source[at + 1] ?? '';
    if (next === '(') {
      if (source[at + 2] === '(') {
        this.problem('arithmetic $((...)) is not checked');
        return at + 3;
      }
      const end = matchingParenthesis(source, at + 2);
      if (end === -1) {
        this.problem('$( is not closed');
        return source.length;
      }
      const inner = new ShellParser(source.slice(at + 2, end), this.line).parse();
      this.commands.push(...inner.commands);
      this.problems.push(...inner.problems);
      this.line = inner.line;
      this.text += '$(...)';
      this.dynamic = true;
      return end + 1;
    }
    if (next === '{') {
      const end = source.indexOf('}', at + 2);
      if (end === -1) {
        this.problem('${ is not closed');
        return source.length;
      }
      this.text += source.slice(at, end + 1);
      this.dynamic = true;
      return end + 1;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9?#@*$!-]/.exec(source.slice(at + 1));
    if (name === null) {
      this.text += '$';
      return at + 1;
    }
    this.text += `$${name[0]}`;
    this.dynamic = true;
    return at + 1 + name[0].length;
  }
}

/** Index of the `)` closing a `$(` whose body starts at `from`, quotes and nesting respected; -1 if none. */
function matchingParenthesis(source: string, from: number): number {
  let depth = 1;
  for (let index = from; index < source.length; index += 1) {
    const c = source[index];
    if (c === '\\') index += 1;
    else if (c === "'") {
      index = source.indexOf("'", index + 1);
      if (index === -1) return -1;
    } else if (c === '"') {
      for (index += 1; index < source.length && source[index] !== '"'; index += 1) {
        if (source[index] === '\\') index += 1;
        else if (source[index] === '$' && source[index + 1] === '(') {
          index = matchingParenthesis(source, index + 2);
          if (index === -1) return -1;
        }
      }
    } else if (c === '(') depth += 1;
    else if (c === ')') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** The simple commands of a shell block, including those inside $(...), with the lines they start on. */
export function parseShell(
  source: string,
  firstLine = 1,
): { readonly commands: readonly ShellCommand[]; readonly problems: readonly Problem[] } {
  const parser = new ShellParser(source, firstLine).parse();
  return { commands: parser.commands, problems: parser.problems };
}

/** `--name value` pairs only, each name among `options` (what a `--name value` parser accepts). */
export function optionPairs(
  args: readonly Word[],
  options: readonly string[],
  what: string,
): string[] {
  const problems: string[] = [];
  for (let index = 0; index < args.length; index += 2) {
    const name = args[index] as Word;
    const value = args[index + 1];
    if (name.dynamic || !name.text.startsWith('--')) {
      problems.push(`${what}: expected an option --name, got '${name.text}'`);
      continue;
    }
    if (!options.includes(name.text.slice(2)))
      problems.push(
        `${what} has no option ${name.text} (it reads ${options.map((option) => `--${option}`).join(', ')})`,
      );
    if (value === undefined || (!value.dynamic && value.text.startsWith('--')))
      problems.push(`${what}: ${name.text} needs a value`);
  }
  return problems;
}

function repoPath(word: Word): string | undefined {
  if (word.dynamic) return undefined;
  const path = REPO_PATH.exec(word.text)?.[1]
    ?.replace(/[.,:;)]+$/, '')
    .replace(/\/$/, '');
  return path === undefined || /[*?[]/.test(path) ? undefined : path;
}

function checkNpm(words: readonly Word[], context: RunbookContext): string[] {
  const sub = words[1]?.text;
  if (sub === 'ci') return words.length === 2 ? [] : ['npm ci takes no arguments here'];
  if (sub === 'start' || sub === 'test')
    return context.scripts[sub] === undefined
      ? [`npm script '${sub}' is not in package.json`]
      : words.length === 2
        ? []
        : [`npm ${sub} takes no arguments here`];
  if (sub !== 'run')
    return [
      `npm ${sub ?? ''}: only 'npm ci', 'npm start', 'npm test' and 'npm run <script>' are checked`,
    ];
  let index = 2;
  while (words[index]?.text === '-s' || words[index]?.text === '--silent') index += 1;
  const script = words[index];
  if (script === undefined || script.dynamic) return ['npm run needs a literal script name'];
  if (context.scripts[script.text] === undefined)
    return [`npm script '${script.text}' is not in package.json`];
  const rest = words.slice(index + 1);
  if (rest.length === 0) return [];
  if (rest[0]?.text !== '--')
    return [
      `npm run ${script.text}: put the script's arguments after '--' (npm would read '${rest[0]?.text ?? ''}' as its own)`,
    ];
  const args = rest.slice(1);
  const rule = context.scriptArguments[script.text];
  if (rule === undefined)
    return args.length === 0
      ? []
      : [
          `npm run ${script.text} takes no arguments (or the checker does not know them: add its parser's options to runbooks.spec.ts)`,
        ];
  return rule(args);
}

/** The problems of one command (and of a command run by `kubectl exec ... --`). */
export function checkCommand(command: ShellCommand, context: RunbookContext): string[] {
  let words = command.words;
  while (words[0] !== undefined && ASSIGNMENT.test(words[0].text)) words = words.slice(1); // NAME=value, NAME=$(...)
  const problems: string[] = [];
  for (const word of [...words, ...command.redirects]) {
    const path = repoPath(word);
    if (path !== undefined && !context.exists(path))
      problems.push(`${path} does not exist in the repository`);
  }
  const program = words[0];
  if (program === undefined) return problems;
  if (program.dynamic)
    return [...problems, `the program '${program.text}' must be written literally`];
  const name = program.text;
  if (CONTROL_WORDS.has(name))
    return [
      ...problems,
      `'${name}': control flow is not checked; write one plain command per line`,
    ];
  if (name === 'npm') return [...problems, ...checkNpm(words, context)];
  if (name === 'export') {
    for (const word of words.slice(1))
      if (!/^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(word.text))
        problems.push(`export: '${word.text}' is not NAME=value`);
    return problems;
  }
  if (!context.externalPrograms.has(name))
    return [
      ...problems,
      `'${name}' is neither one of our npm scripts nor on the allow-list of external programs`,
    ];
  if (name === 'kubectl') {
    for (const word of words) {
      const deployment = /^deployments?(?:\.apps)?\/(.+)$/.exec(word.text)?.[1];
      if (deployment !== undefined && !word.dynamic && !context.deployments.has(deployment))
        problems.push(
          `deployment/${deployment} is not a Deployment of deploy/k8s (${[...context.deployments].join(', ')})`,
        );
    }
    const separator = words.findIndex((word) => word.text === '--');
    if (separator !== -1 && words.slice(1, separator).some((word) => word.text === 'exec')) {
      problems.push(
        ...checkCommand(
          { words: words.slice(separator + 1), redirects: [], line: command.line },
          context,
        ),
      );
    }
  }
  return problems;
}

/**
 * Every problem of one runbook as `file:line: message`: each command of each ```sh block, the
 * `Check:` line that must follow each block, fences that would hide commands from the check,
 * and repository paths, runbook names, alerts and metrics quoted in the prose.
 */
export function checkRunbook(file: string, markdown: string, context: RunbookContext): string[] {
  const lines = markdown.split('\n');
  const found: Problem[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const fence = /^```(.*)$/.exec(line);
    if (fence === null) {
      for (const quoted of line.matchAll(/`([^`]+)`/g)) {
        const text = quoted[1] as string;
        for (const token of text.split(/\s+/)) {
          const path = repoPath({ text: token, dynamic: token.includes('$') });
          if (path !== undefined && !context.exists(path))
            found.push({ line: index + 1, message: `${path} does not exist in the repository` });
        }
        if (/^[a-z0-9-]+\.md$/.test(text) && !context.exists(`docs/runbooks/${text}`))
          found.push({ line: index + 1, message: `no runbook docs/runbooks/${text}` });
        if (/^Custody[A-Z][A-Za-z]+$/.test(text) && !context.alerts.has(text))
          found.push({
            line: index + 1,
            message: `no alert ${text} in deploy/ (Prometheus rules)`,
          });
        if (/^custody_[a-z0-9_]+$/.test(text) && !context.metrics.has(text))
          found.push({
            line: index + 1,
            message: `no metric ${text} is exported by apps/ or libs/`,
          });
      }
      continue;
    }
    const language = (fence[1] ?? '').trim();
    const end = lines.findIndex((candidate, at) => at > index && candidate.startsWith('```'));
    if (end === -1) {
      found.push({ line: index + 1, message: 'a fenced block is not closed' });
      break;
    }
    if (language === 'sh') {
      const body = lines.slice(index + 1, end).join('\n');
      const parsed = parseShell(body, index + 2);
      found.push(...parsed.problems);
      if (parsed.commands.length === 0)
        found.push({ line: index + 1, message: 'a ```sh block without a command' });
      for (const command of parsed.commands)
        for (const message of checkCommand(command, context))
          found.push({ line: command.line, message });
      const after = lines.slice(end + 1).find((candidate) => candidate.trim() !== '');
      if (after === undefined || !after.startsWith('Check:'))
        found.push({
          line: end + 1,
          message:
            "each step's commands are followed by a 'Check:' paragraph (what to check after)",
        });
    } else if (!NON_COMMAND_FENCES.has(language)) {
      found.push({
        line: index + 1,
        message: `a \`\`\`${language} block: commands go in \`\`\`sh blocks (checked), output in \`\`\`text`,
      });
    }
    index = end;
  }
  return found
    .sort((a, b) => a.line - b.line)
    .map((problem) => `${file}:${problem.line}: ${problem.message}`);
}
