import { Token } from 'cdktf';
import { ErrorSite, ValidationError } from './errors';

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
  if (Token.isUnresolved(name)) return;
  if (!rule.pattern.test(name)) throw new ValidationError(site, field, name, rule.allowed);
}

/** Azure's common rule for network resource names (VNets, subnets, firewalls, route tables, public IPs). */
export const AZURE_NETWORK_NAME = {
  pattern: /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/,
  allowed: "a name is 1 to 80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit or '_'",
};
