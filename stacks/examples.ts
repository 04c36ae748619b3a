import { App } from 'cdktf';
import { AksFirewallUdrStack } from './aks-firewall-udr';
import { AksOutboundLbStack, AksOutboundManagedNatStack, AksOutboundUdrStack, AksOutboundUserNatStack } from './aks-outbound';
import { AwsInspectionEgwStack } from './aws-inspection-egw';
import { HubSpokeEgwStack } from './hub-spoke-egw';
import { HubSpokeAppgwStack } from './hub-spoke-appgw';

/** One row per example stack: its name, the document it reproduces and how to build it. */
export interface ExampleStack {
  readonly name: string;
  readonly document: string;
  readonly build: (app: App) => void;
}

/** The example stacks, in the order the README's table lists them. */
export const EXAMPLES: readonly ExampleStack[] = [
  { name: 'hub-spoke-egw', document: '000', build: (app) => new HubSpokeEgwStack(app, 'hub-spoke-egw') },
  { name: 'aks-outbound-lb', document: '001', build: (app) => new AksOutboundLbStack(app, 'aks-outbound-lb') },
  { name: 'aks-outbound-managed-nat', document: '001', build: (app) => new AksOutboundManagedNatStack(app, 'aks-outbound-managed-nat') },
  { name: 'aks-outbound-user-nat', document: '001', build: (app) => new AksOutboundUserNatStack(app, 'aks-outbound-user-nat') },
  { name: 'aks-outbound-udr', document: '001', build: (app) => new AksOutboundUdrStack(app, 'aks-outbound-udr') },
  { name: 'aks-firewall-udr', document: '002', build: (app) => new AksFirewallUdrStack(app, 'aks-firewall-udr') },
  { name: 'hub-spoke-appgw', document: '003', build: (app) => new HubSpokeAppgwStack(app, 'hub-spoke-appgw') },
  { name: 'aws-inspection-egw', document: '004', build: (app) => new AwsInspectionEgwStack(app, 'aws-inspection-egw') },
];

/** Adds every example stack to `app`. */
export function buildExamples(app: App): void {
  for (const example of EXAMPLES) example.build(app);
}
