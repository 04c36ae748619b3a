import { IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { Cidr } from '../core';
import { SecurityCheck } from './check';
import { isAksCluster } from './brands';

/**
 * True when the literal ranges together hold every address (`0.0.0.0/0`, `::/0`, or pieces that add
 * up to all of IPv4 or IPv6); a reference counts as a restriction.
 */
function coverEverything(ranges: readonly string[]): boolean {
  const literal = ranges.filter((r) => !Token.isUnresolved(r) && Cidr.isValid(r)).map((r) => Cidr.parse(r));
  return Cidr.coverAll(literal, 4) || Cidr.coverAll(literal, 6);
}

/** EGRESS004: an AKS cluster whose public API server accepts connections from the whole Internet. */
export const API_SERVER_OPEN: SecurityCheck = {
  id: 'EGRESS004',
  name: 'api-server-open',
  defaultLevel: 'error',
  description:
    'An AKS cluster whose API server is public (privateClusterEnabled false) and has no authorized IP ' +
    'ranges, or authorized ranges adding up to 0.0.0.0/0, takes connections to its control plane from anywhere on ' +
    'the Internet: one leaked credential or API server flaw away from the cluster. Set ' +
    'apiServerAuthorizedIpRanges to the ranges that administer the cluster (with ' +
    '...firewallPublicIpRanges(firewall) when its egress leaves through a firewall), or make the cluster ' +
    'private. A range given as a reference counts as a restriction.',
  inspect(node: IConstruct) {
    if (!isAksCluster(node) || node.privateClusterEnabled) return [];
    const ranges = node.apiServerAuthorizedIpRanges;
    if (ranges.length > 0 && !coverEverything(ranges)) return [];
    return [{
      site: node,
      field: 'apiServerAuthorizedIpRanges',
      value: ranges.length === 0 ? undefined : [...ranges],
      allowed: 'a public API server (privateClusterEnabled false) must not accept connections from the whole Internet; ' +
        'authorize the ranges that administer the cluster (and ...firewallPublicIpRanges(firewall) when egress leaves through one), ' +
        'or set privateClusterEnabled: true',
    }];
  },
};
