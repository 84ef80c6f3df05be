// Stryker ignorer "prose" (issue 23): a refusal's or a finding's reason is text for people,
// and its wording may change freely; mutating it would only test the sentence. What stays
// mutated: refusal CODES, field paths, verdicts and every figure, which are the contract.
//
// Ignored (with everything inside them):
// - the reason argument of an error factory: ledgerError(code, path, REASON), walletError(...),
//   refuse(code, path, REASON): the argument after the code and the field path;
// - a text literal given as the `reason` or `message` of an object (`{ code, path, reason: '...' }`,
//   a rule's evidence `{ verdict, reason: `...` }`);
// - the message of a thrown assertion (`new Error('assertion: ...')`), which no caller reads.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const ERROR_FACTORY = /(?:Error|^refuse\w*)$/;
const REASON_ARGUMENT_INDEX = 2;
const PROSE_KEYS = new Set(['reason', 'message']);
const TEXT = new Set(['StringLiteral', 'TemplateLiteral']);

const nameOf = (node) =>
  node?.type === 'Identifier'
    ? node.name
    : node?.type === 'MemberExpression'
      ? nameOf(node.property)
      : undefined;

export const proseIgnorer = {
  shouldIgnore(path) {
    const parent = path.parentPath?.node;
    if (parent === undefined) return undefined;
    if (
      path.listKey === 'arguments' &&
      parent.type === 'CallExpression' &&
      path.key === REASON_ARGUMENT_INDEX &&
      ERROR_FACTORY.test(nameOf(parent.callee) ?? '')
    ) {
      return 'Prose: the reason of a refusal (its code and field path stay mutated)';
    }
    if (
      path.listKey === 'arguments' &&
      parent.type === 'NewExpression' &&
      /Error$/.test(nameOf(parent.callee) ?? '') &&
      TEXT.has(path.node.type)
    ) {
      return 'Prose: the message of a thrown assertion';
    }
    if (
      path.key === 'value' &&
      parent.type === 'ObjectProperty' &&
      PROSE_KEYS.has(nameOf(parent.key) ?? parent.key?.value) &&
      TEXT.has(path.node.type)
    ) {
      return 'Prose: a reason written for people (codes, verdicts and figures stay mutated)';
    }
    return undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'prose', proseIgnorer)];
