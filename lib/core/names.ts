import { Token } from 'cdktf';
import { ErrorSite, ValidationError, formatValue, typeName } from './errors';
import { knownValue, warnUnchecked } from './guards';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True for a Kubernetes DNS-1123 label: 1 to 63 lower-case letters, digits and '-', alphanumeric at both ends. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** True for a Kubernetes DNS-1123 subdomain: dot-separated labels, 253 characters at most. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** Throws unless `name` is a DNS-1123 label (namespaces, most object names). */
export function checkDns1123Label(site: ErrorSite, field: string, name: string): void {
  if (Token.isUnresolved(name)) return;
  if (!isDns1123Label(name)) {
    throw new ValidationError(site, field, name,
      "a Kubernetes name is 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit");
  }
}

/** Throws unless `name` is a DNS-1123 subdomain (names of cluster-scoped custom resources). */
export function checkDns1123Subdomain(site: ErrorSite, field: string, name: string): void {
  if (Token.isUnresolved(name)) return;
  if (!isDns1123Subdomain(name)) {
    throw new ValidationError(site, field, name,
      "a Kubernetes name is up to 253 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit");
  }
}

/**
 * Throws unless `name` fits an Azure resource's naming rule: `pattern` (which carries the length)
 * and a description of it for the message.
 */
export function checkAzureName(site: ErrorSite, field: string, name: string, rule: { pattern: RegExp; allowed: string }): void {
  if (typeof name === 'string' && Token.isUnresolved(name)) {
    // A reference: check the literal the app set behind it, or say that the name went unchecked.
    if (typeof site === 'string') return;
    const known = knownValue(site, name);
    if (typeof known !== 'string') {
      warnUnchecked(site, field, name, 'its naming rule');
      return;
    }
    if (!rule.pattern.test(known)) throw new ValidationError(site, field, name, `${rule.allowed}; the reference holds ${formatValue(known)}`);
    return;
  }
  if (typeof name !== 'string') throw new ValidationError(site, `${field} (${typeName(name)})`, name, rule.allowed);
  if (!rule.pattern.test(name)) throw new ValidationError(site, field, name, rule.allowed);
}

/** A naming rule of one Azure resource type: a pattern that carries the length, and its description. */
export interface AzureNameRule {
  readonly pattern: RegExp;
  readonly allowed: string;
}

/**
 * The Microsoft.Network rule: `min` to `max` letters, digits, '_', '.' or '-', starting with a letter
 * or digit and ending with a letter, digit or '_'. `what` names the resource type in the message.
 */
export function azureNetworkNameRule(what: string, min: number, max: number): AzureNameRule {
  const middle = `{${Math.max(0, min - 2)},${max - 2}}`;
  const pattern = min <= 1
    ? new RegExp(`^[A-Za-z0-9]([A-Za-z0-9_.-]${middle}[A-Za-z0-9_])?$`)
    : new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]${middle}[A-Za-z0-9_]$`);
  return {
    pattern,
    allowed: `${what} is ${min} to ${max} letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'`,
  };
}

/** Azure's common rule for network resource names, 1 to 80 characters. Prefer the rule of the type in {@link AZURE_NAME_RULES}. */
export const AZURE_NETWORK_NAME: AzureNameRule = azureNetworkNameRule('a name', 1, 80);

/**
 * Naming rules by resource type, from Microsoft's "Naming rules and restrictions for Azure resources"
 * (Microsoft.Network): a VNet takes 2 to 64 characters, the others here 1 to 80.
 */
export const AZURE_NAME_RULES = {
  virtualNetwork: azureNetworkNameRule('a VNet name', 2, 64),
  subnet: azureNetworkNameRule('a subnet name', 1, 80),
  virtualNetworkPeering: azureNetworkNameRule('a peering name', 1, 80),
  firewall: azureNetworkNameRule('a firewall name', 1, 80),
  firewallPolicy: azureNetworkNameRule('a firewall policy name', 1, 80),
  ruleCollectionGroup: azureNetworkNameRule('a rule collection group name', 1, 80),
  routeTable: azureNetworkNameRule('a route table name', 1, 80),
  route: azureNetworkNameRule('a route name', 1, 80),
  publicIp: azureNetworkNameRule('a public IP name', 1, 80),
  natGateway: azureNetworkNameRule('a NAT gateway name', 1, 80),
  routeServer: azureNetworkNameRule('a Route Server name', 1, 80),
  bgpConnection: azureNetworkNameRule('a BGP connection name', 1, 80),
} as const;
