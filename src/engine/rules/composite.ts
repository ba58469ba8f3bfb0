// A composite maps nodes to rules: an ordered list of (matcher → rule), first match wins;
// entries naming a node come first so a name can override its type. A node no entry
// matches is an error naming the node and its type (as Zennit's composites do).
import { StudioError } from '../../contract/errors.ts';
import type { GraphNode, OpType } from '../ir.ts';
import type { Rule } from './rule.ts';

export type Matcher = { op: OpType | OpType[] } | { name: string | RegExp } | ((node: GraphNode) => boolean);

export interface CompositeEntry {
  match: Matcher;
  rule: Rule;
}

export class Composite {
  constructor(
    readonly name: string,
    readonly entries: readonly CompositeEntry[],
  ) {}

  ruleFor(node: GraphNode): Rule {
    const byName = this.entries.filter((e) => typeof e.match === 'object' && 'name' in e.match);
    const rest = this.entries.filter((e) => !byName.includes(e));
    for (const e of [...byName, ...rest]) if (matches(e.match, node)) return e.rule;
    throw new StudioError(
      'BAD_REQUEST',
      `node "${node.name}" of type "${node.op}" has no rule in the ${this.name} composite, so ${this.name} cannot pass through it`,
    );
  }

  /** a copy with `entries` taking precedence */
  with(entries: CompositeEntry[]): Composite {
    return new Composite(this.name, [...entries, ...this.entries]);
  }
}

function matches(m: Matcher, node: GraphNode): boolean {
  if (typeof m === 'function') return m(node);
  if ('op' in m) return Array.isArray(m.op) ? m.op.includes(node.op) : m.op === node.op;
  return typeof m.name === 'string' ? m.name === node.name : m.name.test(node.name);
}
