/**
 * How the checks recognise the constructs of other areas without loading them: each class marks its
 * instances with a well-known symbol (`brand()` in lib/core), and the checks test that mark. The
 * imports below are types only and vanish from the JavaScript, so `cdktf-kubernetes-egress/checks`
 * loads neither the Azure nor the AWS nor the Kubernetes bindings.
 */
import { IConstruct } from 'constructs';
import type { AksCluster, AzureFirewall, ExistingAzureFirewall, Subnet } from '../azure';
import type { NetworkFirewall, TransitGateway, VpcSubnet } from '../aws';
import type { BgpFilter, CalicoBgp, CalicoOperator, ClusterManifests, EgressGatewayTenant } from '../calico';
import { brand, brandTest } from '../core/synth-checks';
import { ValidationError } from '../core/errors';

function test<T>(name: string): (x: unknown) => x is T {
  const b = brand(name);
  return brandTest(name, (x: unknown): x is T => b.is(x));
}

export const isAksCluster = test<AksCluster>('AksCluster');
export const isAzureFirewall = test<AzureFirewall>('AzureFirewall');
export const isExistingAzureFirewall = test<ExistingAzureFirewall>('ExistingAzureFirewall');
export const isSubnet = test<Subnet>('Subnet');
export const isNetworkFirewall = test<NetworkFirewall>('NetworkFirewall');
export const isTransitGateway = test<TransitGateway>('TransitGateway');
export const isVpcSubnet = test<VpcSubnet>('VpcSubnet');
export const isBgpFilter = test<BgpFilter>('BgpFilter');
export const isCalicoBgp = test<CalicoBgp>('CalicoBgp');
export const isCalicoOperator = test<CalicoOperator>('CalicoOperator');
export const isEgressGatewayTenant = test<EgressGatewayTenant>('EgressGatewayTenant');
const isClusterManifests = test<ClusterManifests>('ClusterManifests');

/** The ClusterManifests a Calico construct was created in (what `ClusterManifests.of` returns). */
export function clusterManifestsOf(scope: IConstruct): ClusterManifests {
  const found = [...scope.node.scopes].reverse().find(isClusterManifests);
  if (!found) {
    throw new ValidationError(scope, 'scope', scope.node.path,
      'Calico constructs are created inside a ClusterManifests, which renders their objects');
  }
  return found;
}
