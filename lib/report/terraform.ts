import { JsonObject, StackInput, TerraformJson } from './input';

/**
 * An index over every synthesized stack, and the reading of Terraform references in it.
 *
 * cdktf writes a reference as a template string, `${azurerm_firewall.hub-fw_firewall_9FA64A1D.name}`,
 * possibly inside a larger expression (`${azurerm_public_ip.ip.ip_address}/32`, `${tolist(...)}`).
 * The index finds the resources such strings point at, following locals and cross-stack references
 * (`data.terraform_remote_state.<x>.outputs.<output>` to the output of the stack whose backend it
 * reads), and describes what a value Terraform only knows at deploy time stands for.
 */

/** A resource or data source of one stack. */
export interface TfNode {
  readonly stack: string;
  readonly block: 'resource' | 'data';
  readonly type: string;
  /** The logical ID, the JSON key. */
  readonly name: string;
  readonly config: JsonObject;
}

/** What a traversal in an expression points at. */
export interface TfReference {
  readonly kind: 'resource' | 'data' | 'var' | 'local' | 'other';
  /** The stack the reference finally lands in (after cross-stack references). */
  readonly stack: string;
  /** Resource or data type. */
  readonly type?: string;
  /** Logical ID, variable or local name. */
  readonly name?: string;
  /** The attribute path after the name, e.g. `ip_configuration[0].private_ip_address`. */
  readonly attribute: string;
  /** The string keys of index operations met on the way, e.g. `["us-east-1a"]` gives `us-east-1a`. */
  readonly keys: readonly string[];
  /** The resource or data source, when the output holds it. */
  readonly target?: TfNode;
  /** The traversal as written. */
  readonly text: string;
}

/** A value as the report shows it: a literal, or what a deploy-time reference stands for. */
export interface Shown {
  readonly text: string;
  /** True when Terraform only knows the value at deploy time. */
  readonly deferred: boolean;
  /** Words that say what the value is, shown before it, e.g. `FQDN tag`. @default - none */
  readonly prefix?: string;
}

interface Traversal {
  readonly root: string;
  readonly segments: readonly { readonly name?: string; readonly index?: string }[];
  readonly text: string;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_-]/;

/** The `${...}` parts of a template string, without the delimiters. */
export function interpolations(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while ((i = text.indexOf('${', i)) >= 0) {
    let depth = 0;
    let j = i + 1;
    let inString = false;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) break;
    }
    out.push(text.slice(i + 2, j));
    i = j + 1;
  }
  return out;
}

/** Replaces each `${...}` of `text` with `replace(body)`. */
function mapInterpolations(text: string, replace: (body: string) => string): string {
  let out = '';
  let last = 0;
  let i = 0;
  for (const body of interpolations(text)) {
    i = text.indexOf('${' + body, last);
    out += text.slice(last, i) + replace(body);
    last = i + body.length + 3;
  }
  return out + text.slice(last);
}

/** The traversals (`a.b[0].c`) of an expression, string literals skipped. */
function traversals(expression: string): Traversal[] {
  const out: Traversal[] = [];
  let i = 0;
  const n = expression.length;
  while (i < n) {
    const c = expression[i];
    if (c === '"') {
      for (i++; i < n && expression[i] !== '"'; i++) if (expression[i] === '\\') i++;
      i++;
      continue;
    }
    const prev = i > 0 ? expression[i - 1] : '';
    if (!IDENT_START.test(c) || IDENT.test(prev) || prev === '.') {
      i++;
      continue;
    }
    const start = i;
    while (i < n && /[A-Za-z0-9_]/.test(expression[i])) i++;
    const root = expression.slice(start, i);
    const segments: { name?: string; index?: string }[] = [];
    for (;;) {
      if (expression[i] === '.' && i + 1 < n && IDENT.test(expression[i + 1])) {
        const s = ++i;
        while (i < n && IDENT.test(expression[i])) i++;
        segments.push({ name: expression.slice(s, i) });
      } else if (expression[i] === '[') {
        const close = expression.indexOf(']', i);
        if (close < 0) break;
        const inner = expression.slice(i + 1, close).trim();
        segments.push({ index: /^"(.*)"$/.test(inner) ? inner.slice(1, -1) : inner });
        i = close + 1;
      } else break;
    }
    if (segments.length > 0) out.push({ root, segments, text: expression.slice(start, i) });
  }
  return out;
}

function attributeOf(segments: Traversal['segments']): string {
  return segments.map((s, i) => (s.name !== undefined ? `${i === 0 ? '' : '.'}${s.name}` : `[${/^\d+$|^\*$/.test(s.index!) ? s.index : JSON.stringify(s.index)}]`)).join('');
}

function stringKeys(segments: Traversal['segments']): string[] {
  return segments.filter((s) => s.index !== undefined && !/^\d+$|^\*$/.test(s.index)).map((s) => s.index!);
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${sortedJson((value as JsonObject)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** True for a string holding no `${...}`: a value known at synth. */
export function isLiteral(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('${');
}

/** Human names of resource types, for descriptions; others are derived from the type. */
const TYPE_NAMES: { readonly [type: string]: string } = {
  azurerm_public_ip: 'public IP',
  azurerm_public_ip_prefix: 'public IP prefix',
  azurerm_firewall: 'firewall',
  azurerm_firewall_policy: 'firewall policy',
  azurerm_kubernetes_cluster: 'cluster',
  azurerm_virtual_network: 'VNet',
  azurerm_subnet: 'subnet',
  azurerm_route_table: 'route table',
  azurerm_nat_gateway: 'NAT gateway',
  azurerm_route_server: 'Route Server',
  azurerm_lb: 'load balancer',
  azurerm_ip_group: 'IP group',
  aws_vpc: 'VPC',
  aws_subnet: 'subnet',
  aws_route_table: 'route table',
  aws_ec2_transit_gateway: 'transit gateway',
  aws_ec2_transit_gateway_vpc_attachment: 'transit gateway attachment',
  aws_ec2_transit_gateway_connect: 'Connect attachment',
  aws_networkfirewall_firewall: 'firewall',
  aws_networkfirewall_firewall_policy: 'firewall policy',
  aws_networkfirewall_rule_group: 'rule group',
  aws_eks_cluster: 'EKS cluster',
  aws_nat_gateway: 'NAT gateway',
  aws_internet_gateway: 'Internet gateway',
};

/** A resource type as prose: `azurerm_log_analytics_workspace` is `log analytics workspace`. */
export function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type.replace(/^[a-z0-9]+_/, '').replace(/_/g, ' ');
}

/** The name a resource is known by: its literal `name`, its `Name` tag, or its logical ID. */
export function displayName(node: TfNode): string {
  const tags = node.config.tags as JsonObject | undefined;
  if (isLiteral(node.config.name)) return node.config.name;
  if (tags && isLiteral(tags.Name)) return tags.Name;
  return node.name;
}

function attributePhrase(type: string, attribute: string): string {
  const last = attribute.replace(/\[[^\]]*\]/g, '').split('.').filter(Boolean).pop() ?? '';
  if (last === '' || last === 'id' || last === 'arn') return '';
  if (last === 'fqdn' && type === 'azurerm_kubernetes_cluster') return 'API server FQDN of ';
  const phrases: { [attr: string]: string } = {
    name: 'name of ',
    ip_address: 'address of ',
    private_ip_address: 'private IP of ',
    endpoint_id: 'endpoint of ',
    virtual_router_ips: 'peer IPs of ',
    host: 'API server of ',
    endpoint: 'API server of ',
  };
  return phrases[last] ?? `${last.replace(/_/g, ' ')} of `;
}

/** The index; see the file's comment. */
export class TerraformIndex {
  /** Stacks by name. */
  public readonly stacks: ReadonlyMap<string, StackInput>;

  constructor(stacks: readonly StackInput[]) {
    this.stacks = new Map(stacks.map((s) => [s.name, s]));
  }

  /** The JSON of stack `stack`. */
  public json(stack: string): TerraformJson {
    return this.stacks.get(stack)?.json ?? {};
  }

  /** The resource `type.name` of `stack`. */
  public resource(stack: string, type: string, name: string): TfNode | undefined {
    const config = this.json(stack).resource?.[type]?.[name];
    return config ? { stack, block: 'resource', type, name, config } : undefined;
  }

  /** Every resource of `type`, by stack then logical ID. */
  public resources(type: string, stacks?: readonly string[]): TfNode[] {
    const out: TfNode[] = [];
    for (const stack of [...this.stacks.keys()].sort()) {
      if (stacks && !stacks.includes(stack)) continue;
      const byName = this.json(stack).resource?.[type] ?? {};
      for (const name of Object.keys(byName).sort()) out.push({ stack, block: 'resource', type, name, config: byName[name] });
    }
    return out;
  }

  /** Every reference in `value` (any JSON), resolved from `stack`, following locals and cross-stack outputs. */
  public references(stack: string, value: unknown, depth = 0): TfReference[] {
    if (depth > 8) return [];
    if (Array.isArray(value)) return value.flatMap((v) => this.references(stack, v, depth));
    if (value !== null && typeof value === 'object') return Object.values(value).flatMap((v) => this.references(stack, v, depth));
    if (typeof value !== 'string' || !value.includes('${')) return [];
    return interpolations(value).flatMap((body) => traversals(body).flatMap((t) => this.resolveTraversal(stack, t, depth)));
  }

  /** The resources `value` refers to, of `type` when given. */
  public targets(stack: string, value: unknown, type?: string): TfNode[] {
    const out: TfNode[] = [];
    for (const r of this.references(stack, value)) {
      if (r.target && (type === undefined || r.target.type === type) && !out.some((o) => sameNode(o, r.target!))) out.push(r.target);
    }
    return out;
  }

  /** The first resource of `type` that `value` refers to. */
  public target(stack: string, value: unknown, type: string): TfNode | undefined {
    return this.targets(stack, value, type)[0];
  }

  /**
   * `value` as the report shows it: literals as they are, each `${...}` replaced by what it stands
   * for ("private IP of firewall hub-fw", "variable internal_service_ip").
   */
  public show(stack: string, value: unknown): Shown {
    if (value === undefined || value === null) return { text: '', deferred: false };
    if (typeof value !== 'string') {
      if (Array.isArray(value)) {
        const parts = value.map((v) => this.show(stack, v));
        return { text: parts.map((p) => p.text).join(', '), deferred: parts.some((p) => p.deferred) };
      }
      return { text: typeof value === 'object' ? JSON.stringify(value) : String(value), deferred: false };
    }
    if (!value.includes('${')) return { text: value, deferred: false };
    const text = mapInterpolations(value, (body) => {
      const ts = traversals(body);
      const described = ts.map((t) => this.describe(stack, t));
      if (ts.length === 1 && ts[0].text === body.trim()) return described[0];
      if (described.length > 0) return `a value computed from ${[...new Set(described)].join(', ')}`;
      return `\${${body}}`;
    });
    return { text, deferred: true };
  }

  /** The stack a `terraform_remote_state` data source of `stack` reads, by backend configuration. */
  public remoteStateStack(stack: string, name: string): string | undefined {
    const data = this.json(stack).data?.terraform_remote_state?.[name];
    if (!data) return undefined;
    const backend = data.backend;
    const config = sortedJson(data.config ?? {});
    for (const [other, input] of [...this.stacks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (other === stack) continue;
      const backends = (input.json.terraform?.backend ?? {}) as JsonObject;
      if (typeof backend === 'string' && backends[backend] !== undefined && sortedJson(backends[backend]) === config) return other;
    }
    const byName = /^cross-stack-reference-input-(.+)$/.exec(name)?.[1];
    return byName !== undefined && this.stacks.has(byName) ? byName : undefined;
  }

  private describe(stack: string, t: Traversal): string {
    const refs = this.resolveTraversal(stack, t, 0);
    const r = refs.length === 1 ? refs[0] : refs.find((x) => x.target) ?? refs[0];
    if (!r) return t.text;
    if (r.kind === 'var') {
      const variable = this.json(r.stack).variable?.[r.name!];
      const dflt = variable && variable.default !== undefined && typeof variable.default !== 'object' ? ` (default ${String(variable.default)})` : '';
      return `variable ${r.name}${dflt}${r.stack !== stack ? ` of stack ${r.stack}` : ''}`;
    }
    if (r.target) {
      const where = r.stack !== stack ? ` (stack ${r.stack})` : '';
      return `${attributePhrase(r.target.type, r.attribute)}${typeName(r.target.type)} ${displayName(r.target)}${where}`;
    }
    if (r.kind === 'resource' || r.kind === 'data') return `${r.text} (not in the synthesized output)`;
    return r.text;
  }

  private resolveTraversal(stack: string, t: Traversal, depth: number): TfReference[] {
    const [first, second] = t.segments;
    if (t.root === 'var' && first?.name) {
      return [{ kind: 'var', stack, name: first.name, attribute: attributeOf(t.segments.slice(1)), keys: stringKeys(t.segments), text: t.text }];
    }
    if (t.root === 'local' && first?.name) {
      const value = this.json(stack).locals?.[first.name];
      const keys = stringKeys(t.segments.slice(1));
      const inner = value === undefined ? [] : this.references(stack, value, depth + 1);
      if (inner.length === 0) return [{ kind: 'local', stack, name: first.name, attribute: attributeOf(t.segments.slice(1)), keys, text: t.text }];
      return inner.map((r) => ({ ...r, keys: [...r.keys, ...keys] }));
    }
    if (t.root === 'data' && first?.name && second?.name) {
      const rest = t.segments.slice(2);
      if (first.name === 'terraform_remote_state' && rest[0]?.name === 'outputs' && rest[1]?.name) {
        const other = this.remoteStateStack(stack, second.name);
        const output = other !== undefined ? this.json(other).output?.[rest[1].name] : undefined;
        if (other !== undefined && output !== undefined) {
          const inner = this.references(other, output.value, depth + 1);
          if (inner.length > 0) return inner;
        }
      }
      const config = this.json(stack).data?.[first.name]?.[second.name];
      return [{
        kind: 'data', stack, type: first.name, name: second.name, attribute: attributeOf(rest), keys: stringKeys(rest), text: t.text,
        ...(config ? { target: { stack, block: 'data' as const, type: first.name, name: second.name, config } } : {}),
      }];
    }
    if (/^[a-z0-9]+_[a-z0-9_]+$/.test(t.root) && first?.name) {
      const rest = t.segments.slice(1);
      const target = this.resource(stack, t.root, first.name);
      return [{ kind: 'resource', stack, type: t.root, name: first.name, attribute: attributeOf(rest), keys: stringKeys(rest), text: t.text, ...(target ? { target } : {}) }];
    }
    return [];
  }
}

/** True when both name the same resource of the same stack. */
export function sameNode(a: TfNode | undefined, b: TfNode | undefined): boolean {
  return a !== undefined && b !== undefined && a.stack === b.stack && a.type === b.type && a.name === b.name && a.block === b.block;
}

/** `stack:type.name`: a key unique across the output. */
export function nodeKey(node: TfNode): string {
  return `${node.stack}:${node.block === 'data' ? 'data.' : ''}${node.type}.${node.name}`;
}
