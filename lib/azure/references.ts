import { Token, Tokenization } from 'cdktf';
import { referenceIdentifiers } from '../core';

/*
 * What a deploy-time value is known to be from the reference alone: `firewall.privateIp` is the
 * private IP of an azurerm_firewall, `gateway.id` the ID of an Application Gateway. Checks that meet
 * such a reference use it before they give up (and warn) on a value the app cannot know.
 */

/** The resource a plain reference (a single token, nothing around it) points at. */
export interface PlainReference {
  /** e.g. `azurerm_firewall` */
  readonly type: string;
  /** The resource's logical ID, e.g. `fw_firewall_1A8CBD75`. */
  readonly name: string;
  /** e.g. `ip_configuration[0].private_ip_address` */
  readonly attribute: string;
}

/** The resource and attribute a value refers to, when it is exactly one reference; undefined otherwise. */
export function plainReference(value: unknown): PlainReference | undefined {
  if (typeof value !== 'string' || !Token.isUnresolved(value)) return undefined;
  if (Tokenization.reverseString(value).length !== 1) return undefined;
  const ids = referenceIdentifiers(value);
  if (ids.length !== 1) return undefined;
  const m = /^([a-z0-9_]+)\.([^.]+)\.(.+)$/.exec(ids[0]);
  return m ? { type: m[1], name: m[2], attribute: m[3] } : undefined;
}

/** True when `value` is `${<public IP>.ip_address}/32`: a host range of a public IP resource (e.g. `firewallPublicIpRanges`). */
export function isPublicIpHostRange(value: unknown): boolean {
  if (typeof value !== 'string' || !Token.isUnresolved(value) || !value.endsWith('/32')) return false;
  const ref = plainReference(value.slice(0, -3));
  return ref?.type === 'azurerm_public_ip' && ref.attribute === 'ip_address';
}
