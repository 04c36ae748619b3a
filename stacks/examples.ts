import { App, Aspects, LocalBackend, TerraformStack } from 'cdktf';
import { SecurityChecks } from '../lib/checks';
import { AksFirewallUdrStack } from './aks-firewall-udr';
import { AksOutboundLbStack, AksOutboundManagedNatStack, AksOutboundUdrStack, AksOutboundUserNatStack } from './aks-outbound';
import { AwsInspectionEgwStack, documentTenant } from './aws-inspection-egw';
import { AwsInspectionEgwCalicoStack } from './aws-inspection-egw-calico';
import { AwsNativeEgwStack } from './aws-native-egw';
import { AwsNativeEgwCalicoStack } from './aws-native-egw-calico';
import { HubSpokeEgwStack } from './hub-spoke-egw';
import { HubSpokeAppgwStack } from './hub-spoke-appgw';
import { HubSpokeEgwCalicoStack } from './hub-spoke-egw-calico';
import { hubThreeSpokes } from './hub-three-spokes';

/** One row per example stack: its name, the document it reproduces and how to build it. */
export interface ExampleStack {
  readonly name: string;
  readonly document: string;
  readonly build: (app: App) => void;
}

/** The cloud stack of document 000 in `app`, created on first use so the cluster stack can build on it. */
function hubSpokeEgw(app: App): HubSpokeEgwStack {
  const existing = app.node.tryFindChild('hub-spoke-egw');
  return existing instanceof HubSpokeEgwStack ? existing : new HubSpokeEgwStack(app, 'hub-spoke-egw');
}

/**
 * The cloud stack of document 004 in `app`, created on first use. Its egress gateway tenant is
 * declared here, once, and handed to the cluster stack through it.
 */
function awsInspectionEgw(app: App): AwsInspectionEgwStack {
  const existing = app.node.tryFindChild('aws-inspection-egw');
  return existing instanceof AwsInspectionEgwStack ? existing : new AwsInspectionEgwStack(app, 'aws-inspection-egw', { tenant: documentTenant() });
}

/**
 * The cloud stack of the AWS-native example in `app`, created on first use. Its tenants are declared
 * by the stack's defaults, once, and handed to the cluster stack through it.
 */
function awsNativeEgw(app: App): AwsNativeEgwStack {
  const existing = app.node.tryFindChild('aws-native-egw');
  return existing instanceof AwsNativeEgwStack ? existing : new AwsNativeEgwStack(app, 'aws-native-egw');
}

/** The example stacks, in the order the README's table lists them. */
export const EXAMPLES: readonly ExampleStack[] = [
  { name: 'hub-spoke-egw', document: '000', build: (app) => hubSpokeEgw(app) },
  {
    name: 'hub-spoke-egw-calico',
    document: '000',
    // The tenants are declared once, by the cloud stack's props, and handed to the cluster stack.
    build: (app) => {
      const cloud = hubSpokeEgw(app);
      new HubSpokeEgwCalicoStack(app, 'hub-spoke-egw-calico', { cloud, tenants: cloud.tenants });
    },
  },
  { name: 'aks-outbound-lb', document: '001', build: (app) => new AksOutboundLbStack(app, 'aks-outbound-lb') },
  { name: 'aks-outbound-managed-nat', document: '001', build: (app) => new AksOutboundManagedNatStack(app, 'aks-outbound-managed-nat') },
  { name: 'aks-outbound-user-nat', document: '001', build: (app) => new AksOutboundUserNatStack(app, 'aks-outbound-user-nat') },
  { name: 'aks-outbound-udr', document: '001', build: (app) => new AksOutboundUdrStack(app, 'aks-outbound-udr') },
  { name: 'aks-firewall-udr', document: '002', build: (app) => new AksFirewallUdrStack(app, 'aks-firewall-udr') },
  { name: 'hub-spoke-appgw', document: '003', build: (app) => new HubSpokeAppgwStack(app, 'hub-spoke-appgw') },
  { name: 'aws-inspection-egw', document: '004', build: (app) => awsInspectionEgw(app) },
  {
    name: 'aws-inspection-egw-calico',
    document: '004',
    // The same EgressTenant the cloud stack's firewall rule names; no bird.cfg.template ships with the examples.
    build: (app) => {
      const cloud = awsInspectionEgw(app);
      new AwsInspectionEgwCalicoStack(app, 'aws-inspection-egw-calico', { cloud, tenant: cloud.tenant });
    },
  },
  { name: 'aws-native-egw', document: 'aws-native', build: (app) => awsNativeEgw(app) },
  {
    name: 'aws-native-egw-calico',
    document: 'aws-native',
    // The tenants and the egress gateway subnets the cloud stack declared.
    build: (app) => { new AwsNativeEgwCalicoStack(app, 'aws-native-egw-calico', { cloud: awsNativeEgw(app) }); },
  },
  // The pattern example's cloud and cluster stacks are built together, by the first of the two.
  { name: 'hub-three-spokes', document: 'patterns', build: (app) => hubThreeSpokes(app) },
  {
    name: 'hub-three-spokes-calico',
    document: 'patterns',
    build: (app) => {
      if (!app.node.tryFindChild('hub-three-spokes-calico')) hubThreeSpokes(app);
    },
  },
];

/**
 * Adds every example stack to `app`. Each keeps its state in the project root, named by a path
 * relative to its working directory (`cdktf.out/stacks/<stack>`), so the synthesized JSON holds no
 * machine-specific absolute path and cross-stack `terraform_remote_state` finds the other stack's state.
 * Each runs the security checks at their default levels; where a stack keeps a document's design
 * that breaks one, it carries an exemption with its reason (`SecurityChecks.exempt`).
 */
export function buildExamples(app: App): void {
  for (const example of EXAMPLES) example.build(app);
  for (const stack of app.node.children.filter(TerraformStack.isStack)) {
    new LocalBackend(stack, { path: `../../../terraform.${stack.node.id}.tfstate` });
    Aspects.of(stack).add(new SecurityChecks());
  }
}
