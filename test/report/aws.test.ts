import { App, TerraformStack } from 'cdktf';
import { NetworkFirewall, TransitGatewayConnect } from '../../lib/aws';
import { CalicoBgp, ClusterManifests, EgressGatewayTenant, EgressTenant } from '../../lib/calico';
import { RuleCollections } from '../../lib/core';
import { awsStack } from '../helpers';
import { inspectionVpc, spokeVpc, transitGateway } from '../aws/fixtures';
import { removeOutdirs, synthApp, section } from './fixtures';
import { egressReport } from '../../lib/report';

afterAll(removeOutdirs);

const tenant = () => new EgressTenant({ name: 'blue', egressCidr: '198.51.100.0/28' });

/**
 * The inspection hub of document 004, small: source VPC (nodes in two zones), inspection VPC with
 * Network Firewall, transit gateway (`spoke-rt`: everything to inspection; `firewall-rt`: the source
 * VPC and what the Connect peer announces), one Connect peer per node.
 */
function inspectionHub(app: App): TransitGatewayConnect {
  const stack = awsStack(app, 'hub');
  const source = spokeVpc(stack);
  const inspection = inspectionVpc(stack);
  new NetworkFirewall(stack, 'fw', {
    name: 'inspection-fw', vpc: inspection,
    ruleCollections: [
      RuleCollections.application({
        name: 'blue-web', priority: 300, action: 'Allow',
        rules: [{ name: 'docs', sources: [tenant().egressCidr], targetFqdns: ['*.example.com', 'api.example.org'], protocols: [{ type: 'Https', port: 443 }] }],
      }),
      RuleCollections.network({
        name: 'no-smtp', priority: 100, action: 'Deny',
        rules: [{ name: 'smtp', protocols: ['TCP'], destinationAddresses: ['*'], destinationPorts: [25] }],
      }),
    ],
  });
  const tgw = transitGateway(stack);
  const src = tgw.attachVpc({ vpc: source, subnets: source.subnetsInGroup('tgw') });
  const insp = tgw.attachInspectionVpc(inspection);
  src.routeToTransitGateway(source.subnetsInGroup('nodes'), ['0.0.0.0/0']);
  const connect = new TransitGatewayConnect(stack, 'connect', {
    name: 'calico-connect', transport: src,
    peers: [
      { name: 'node-1', peerAddress: '10.10.0.10', insideCidr: '169.254.8.8/29', peerAsn: 65001 },
      { name: 'node-2', peerAddress: '10.10.1.10', insideCidr: '169.254.8.16/29', peerAsn: 65001 },
    ],
  });
  const spokeRt = tgw.addRouteTable('spoke-rt');
  spokeRt.associate(src);
  spokeRt.addRoute({ destination: '0.0.0.0/0', target: insp });
  const firewallRt = tgw.addRouteTable('firewall-rt');
  firewallRt.associate(insp);
  firewallRt.propagate(src);
  firewallRt.propagate(connect);
  return connect;
}

/** Calico objects written as YAML only (no kubernetes provider), peering with the transit gateway. */
function yamlCluster(app: App, connect: TransitGatewayConnect): void {
  const stack = new TerraformStack(app, 'calico');
  const manifests = new ClusterManifests(stack, 'calico');
  new CalicoBgp(manifests, 'bgp', {
    asNumber: 65001, nodeToNodeMesh: false,
    externalRouters: [{ name: 'tgw', peerIps: connect.peers[0].transitGatewayInsideAddresses, asNumber: 64512 }],
  });
  new EgressGatewayTenant(manifests, 'blue', { tenant: tenant() });
}

describe('AWS in the report', () => {
  let md: string;
  beforeAll(() => {
    md = egressReport(synthApp((app) => yamlCluster(app, inspectionHub(app))));
  });

  test('Network Firewall rule groups are listed in strict order by priority, domain lists with their HOME_NET', () => {
    const fw = section(md, '### inspection-fw (`hub`)');
    expect(fw).toContain('AWS Network Firewall, firewall policy inspection-fw-policy, in inspection-vpc, endpoints in '
      + 'inspection-vpc-firewall-us-east-1a (us-east-1a), inspection-vpc-firewall-us-east-1b (us-east-1b).');
    expect(fw).toContain('stateful rule order: STRICT\\_ORDER');
    expect(fw).toContain('**Unmatched traffic:** stateful default actions aws:drop\\_established, aws:alert\\_established.');
    expect(fw).toContain([
      '| 1.1 | stateful | inspection-fw-no-smtp | 100 | DROP | no-smtp: smtp | `ANY` | `ANY` | TCP 25 |',
      '| 2.1 | stateful, domain list | inspection-fw-blue-web | 300 | PASS | listed domains pass, other domains over these protocols are dropped | '
        + '`198.51.100.0/28` | `.example.com`, `api.example.org` | HTTPS (TLS SNI) |',
    ].join('\n'));
  });

  test('the nodes\' path: route table, transit gateway, the firewall endpoint of the zone, and back', () => {
    const nodes = section(md, '### nodes of Connect calico-connect (`hub`)');
    expect(nodes).toContain('Kubernetes nodes, outbound type none: no managed cluster in the output; the subnets\' route tables decide. '
      + 'Nodes: node-1 10.10.0.10 in source / source-nodes-a (10.10.0.0/24, us-east-1a); node-2 10.10.1.10 in source / source-nodes-b (10.10.1.0/24, us-east-1b).');
    expect(nodes).toContain([
      'From source / source-nodes-b (10.10.1.0/24, us-east-1b):',
      '',
      '1. nodes in source / source-nodes-b (10.10.1.0/24, us-east-1b)',
      '2. route table source-nodes-b-rt: 0.0.0.0/0 → transit gateway hub-tgw',
      '3. transit gateway route table spoke-rt (associated with attachment source-attachment): 0.0.0.0/0 → attachment inspection-vpc-attachment '
        + '(VPC inspection-vpc, appliance mode: one zone per flow)',
      '4. route table inspection-vpc-tgw-us-east-1b-rt: 0.0.0.0/0 → endpoint of firewall inspection-fw in us-east-1b',
      '5. firewall inspection-fw inspects (2 rule groups); what it passes leaves by subnet inspection-vpc-firewall-us-east-1b',
      '6. route table inspection-vpc-firewall-us-east-1b-rt: 0.0.0.0/0 → transit gateway hub-tgw',
      '7. transit gateway route table firewall-rt (associated with attachment inspection-vpc-attachment) has no 0.0.0.0/0 route: '
        + 'it reaches source (10.10.0.0/16), ranges learned over BGP from Connect calico-connect; traffic to anything else is dropped',
    ].join('\n'));
  });

  test('a tenant written as YAML only is linked to the nodes through its BGP peers, and matched with the firewall\'s rules', () => {
    expect(md).toContain('| blue | `calico` | `198.51.100.0/28` (pool blue-pool) | `blue-egw/blue-egw` | nodes of Connect calico-connect (`hub`) | 1 | '
      + 'firewall inspection-fw, then source (10.10.0.0/16), ranges learned over BGP from Connect calico-connect; no route to the Internet |');
    const blue = section(md, '### blue (`calico`)');
    expect(blue).toContain('from YAML, declared by `calico/calico/blue`. Cluster: nodes of Connect calico-connect (`hub`): found by BGP: '
      + 'the stack\'s BGP peers reach transit gateway hub-tgw (Connect), which peers with nodes of Connect calico-connect. '
      + 'BGP: announced to tgw-a (169.254.8.10, transit gateway hub-tgw (Connect)), tgw-b (169.254.8.11, transit gateway hub-tgw (Connect)).');
    expect(blue).toContain('| inspection-fw (`hub`) | 2.1 | inspection-fw-blue-web | listed domains pass, other domains over these protocols are dropped | '
      + '`198.51.100.0/28` (equals the range) | PASS | `.example.com`, `api.example.org` | HTTPS (TLS SNI) |');
    expect(blue).toContain('| inspection-fw (`hub`) | 1.1 | inspection-fw-no-smtp | no-smtp: smtp | DROP | `ANY` | TCP 25 |');
  });

  test('the diagram draws the attachments, the BGP sessions over Connect and the tenant on its nodes', () => {
    const diagram = section(md, '### `calico`, `hub`');
    expect(diagram).toContain('tgw_tgw_');
    expect(diagram).toMatch(/\n {2}tgw_tgw_\w+ <-\.->\|"BGP over GRE, Connect calico-connect: AS 64512 ↔ AS 65001"\| k8s_connect_\w+_nodes\n/);
    expect(diagram).toMatch(/\n {2}net_source_\w+ <-->\|"source-attachment<br\/>route table spoke-rt"\| tgw_tgw_\w+\n/);
    expect(diagram).toMatch(/\n {2}tgw_tgw_\w+ -->\|"spoke-rt: 0\.0\.0\.0\/0"\| fw_fw_\w+\n/);
    expect(diagram).toMatch(/\n {2}tenant_EgressGateway_blue_egw_blue_egw -\.-\|"egress gateway blue-egw\/blue-egw"\| k8s_connect_\w+_nodes\n/);
  });
});
