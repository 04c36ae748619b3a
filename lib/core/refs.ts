import { ITerraformDependable, Token, dependable } from 'cdktf';

/**
 * References the library reads more than once, created once.
 *
 * Every read of a provider binding's attribute (`resource.id`, `resourceGroup.name`) makes a new
 * cdktf token, and cdktf records a full stack trace for each token it makes. A construct that reads
 * the same attribute for several resources pays for that trace each time; these helpers make the
 * token on the first read and hand out the same one afterwards. A token resolves to the same
 * Terraform expression wherever it is used (in any stack), so the synthesized JSON is unchanged.
 */

interface Cached { readonly id: unknown; readonly value: unknown }
const cache = new WeakMap<object, Map<string, Cached>>();

// A resource's reference names its logical ID (which cdktf fixes on the first read) and, with
// for_each, all its instances: a reference is kept for as long as both stay as they were.
function logicalId(target: object): unknown {
  const element = target as { friendlyUniqueId?: unknown; forEach?: unknown };
  return element.friendlyUniqueId === undefined ? undefined : `${element.friendlyUniqueId}${element.forEach ? '.*' : ''}`;
}

/**
 * `target[key]`, read once per target (and logical ID) when it is a deploy-time reference; a
 * literal value is read again each time.
 */
export function attribute<T extends object, K extends keyof T & string>(target: T, key: K): T[K] {
  return cached(target, key, () => target[key]);
}

/**
 * `read()`, made once per `target` and `key` when it returns a deploy-time reference (e.g.
 * `cluster.identity.principalId`, a reference inside a block of the resource `target`).
 */
export function cached<V>(target: object, key: string, read: () => V): V {
  let byKey = cache.get(target);
  const id = logicalId(target);
  const hit = byKey?.get(key);
  if (hit && hit.id === id) return hit.value as V;
  const value = read();
  if (!Token.isUnresolved(value)) return value;
  if (!byKey) cache.set(target, byKey = new Map());
  byKey.set(key, { id, value });
  return value;
}

const dependables = new WeakMap<ITerraformDependable, string>();

/** `dependable(d)` of cdktf (a `dependsOn` entry for a construct), made once per construct. */
export function dependableOf(d: ITerraformDependable): string {
  let token = dependables.get(d);
  if (token === undefined) dependables.set(d, token = dependable(d));
  return token;
}
