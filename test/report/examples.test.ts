import { readFileSync } from 'fs';
import { join } from 'path';
import { EXAMPLES, buildExamples } from '../../stacks/examples';
import { analyze, egressReport, readSynthOutput } from '../../lib/report';
import { hashes, removeOutdirs, section, synthApp } from './fixtures';

afterAll(removeOutdirs);

describe('the report of the example app', () => {
  let dir: string;
  let before: Map<string, string>;
  let md: string;
  beforeAll(() => {
    dir = synthApp(buildExamples);
    before = hashes(dir);
    md = egressReport(dir);
  });

  test('renders every example stack, with no gap where the example has data', () => {
    const model = analyze(readSynthOutput(dir));
    expect(model.stacks).toEqual(EXAMPLES.map((e) => e.name).sort());
    for (const group of model.groups) expect(md).toContain(`### ${group.map((s) => `\`${s}\``).join(', ')}\n\n\`\`\`mermaid\nflowchart LR\n`);
    expect(model.groups.flat().sort()).toEqual(model.stacks);
    for (const fw of model.firewalls) expect(md).toContain(`### ${fw.name} (\`${fw.stack}\`)`);
    for (const c of model.clusters) expect(md).toContain(`### ${c.name} (\`${c.stack}\`)`);
    expect(model.firewalls.map((f) => f.name)).toEqual(['aks-egress-fw', 'hub-firewall', 'inspection-fw', 'native-egw-fw', 'dzk8sfw1', 'hub-fw', 'p-hub-fw']);
    expect(model.clusters.map((c) => c.name)).toEqual([
      'aks-egress', 'aks-lb', 'aks-natgateway', 'aks-udr', 'natCluster', 'nodes of Connect calico-connect',
      'egress gateways in egress-gw-a', 'egress gateways in egress-gw-b', 'secureaks1', 'spoke1-aks',
      'p-spoke1-aks', 'p-spoke2-aks', 'p-spoke3-aks',
    ]);
    for (const word of ['unknown', 'undefined', 'NaN', '[object Object]', 'not in the output', 'not linked']) expect(md).not.toContain(word);
    expect(model.clusters.flatMap((c) => c.paths.flatMap((p) => p.steps.filter((s) => s.warning)))).toEqual([]);
  });

  test('document 000: tenant0\'s rule, tenant1 flagged, both on spoke1-aks behind hub-fw and announced to the Route Server', () => {
    expect(md).toMatch(/\n\| Egress tenants \| \d+; ⚠️ \d+ whose range no firewall rule names: ([^|]+, )?tenant1(, [^|]+)? \|\n/);
    expect(md).toContain('| tenant0 | `hub-spoke-egw-calico` | `10.99.0.0/29` (pool tenant0-pool) | `tenant0-egw/tenant0-egw` | spoke1-aks (`hub-spoke-egw`) | 1 | '
      + 'firewall hub-fw, then the Internet with SNAT to public IP hub-fw-ip |');
    expect(section(md, '### tenant0 (`hub-spoke-egw-calico`)')).toContain('| hub-fw (`hub-spoke-egw`) | 4.1 | tenant0-allowed-access | allow tenant0 to www.tigera.io | '
      + '`10.99.0.0/29` (equals the range) | Allow | `www.tigera.io` | Http:80, Https:443 |');
    expect(section(md, '### tenant1 (`hub-spoke-egw-calico`)')).toContain('BGP: announced to azure-route-server-a (10.0.1.4, Route Server hub-rs), '
      + 'azure-route-server-b (10.0.1.5, Route Server hub-rs) by filter export-egress-ips.');
    expect(section(md, '### spoke1-aks (`hub-spoke-egw`)')).toContain([
      '1. nodes in spoke1-vnet / AKSSubnet (10.1.0.0/24)',
      '2. route table spoke\\_1-fw-rt: 0.0.0.0/0 → virtual appliance at the private IP of firewall hub-fw, across peering HubToSpoke1 / Spoke1ToHub',
      '3. firewall hub-fw filters (4 rule collections); what it allows leaves with SNAT to public IP hub-fw-ip',
      '4. Internet',
    ].join('\n'));
    expect(section(md, '### hub-fw (`hub-spoke-egw`)')).toContain('| 2.1 | network | spoke-1-apiserver-access | 105 | Allow | allow access to spoke aks apiserver | _IP group spoke1-aks-ipg_ | '
      + '_API server FQDN of cluster spoke1-aks_ | TCP 443 |');
  });

  test('documents 001 to 004: each outbound type, the DNAT rule, the policy groups and the AWS path', () => {
    expect(md).toContain('| natCluster | `aks-outbound-user-nat` | AKS | userAssignedNATGateway | myVnet / natCluster (172.16.0.0/22) | '
      + 'NAT gateway myNatGateway, then the Internet with SNAT to public IP myNatGatewayPip |');
    expect(section(md, '### aks-egress-fw (`aks-firewall-udr`)')).toContain('| 1.1 | DNAT | exampleset | 100 | DNAT | inboundrule | `*` | '
      + '_address of public IP aks-egress-fwpublicip_ → `10.42.3.4:80` | Any 80 |');
    expect(section(md, '### dzk8sfw1 (`hub-spoke-appgw`)')).toContain('| 6.1 | application | dzk8sfw1-policy-application (300) | aksfwar | 101 | Allow | fqdn | _IP group secureaks-ipg_ | '
      + 'FQDN tag `AzureKubernetesService` | Http:80, Https:443 |');
    expect(section(md, '### nodes of Connect calico-connect (`aws-inspection-egw`)')).toContain('7. transit gateway route table firewall-rt (associated with attachment '
      + 'inspection-vpc-attachment) has no 0.0.0.0/0 route: it reaches destination-vpc (10.0.0.0/16), source-vpc (10.10.0.0/16), '
      + 'ranges learned over BGP from Connect calico-connect; traffic to anything else is dropped');
  });

  test('leaves its input as it found it, and gives the same bytes every time', () => {
    expect(hashes(dir)).toEqual(before);
    expect(egressReport(dir)).toBe(md);
  });

  test('the AWS-native example: each tenant found by its pool\'s awsSubnetID, its path out from the egress gateway subnet through the firewall', () => {
    expect(md).toContain('| billing | `aws-native-egw-calico` | `10.40.100.4/30` (pool billing-pool) | `billing-egw/billing-egw` | egress gateways in egress-gw-a (`aws-native-egw`) | 1 | '
      + 'firewall native-egw-fw, then the Internet through Internet gateway native-inspection-vpc-igw |');
    expect(section(md, '### billing (`aws-native-egw-calico`)')).toContain('Cluster: egress gateways in egress-gw-a (`aws-native-egw`): found by the pools\' awsSubnetID: '
      + 'the gateways\' addresses are on ENIs in egress-gw-a. BGP: not announced: pool billing-pool has disableBGPExport.');
    expect(section(md, '### egress gateways in egress-gw-b (`aws-native-egw`)')).toContain([
      '1. egress gateway ENIs in native-cluster-vpc / egress-gw-b (10.40.100.16/28, us-east-1b)',
      '2. route table egress-gw-b-rt: 0.0.0.0/0 → transit gateway native-egw-tgw',
      '3. transit gateway route table inspection-rt (associated with attachment native-cluster-vpc-attachment): 0.0.0.0/0 → attachment native-inspection-vpc-attachment '
        + '(VPC native-inspection-vpc, appliance mode: one zone per flow)',
      '4. route table native-inspection-vpc-tgw-us-east-1b-rt: 0.0.0.0/0 → endpoint of firewall native-egw-fw in us-east-1b',
      '5. firewall native-egw-fw inspects (3 rule groups); what it passes leaves by subnet native-inspection-vpc-firewall-us-east-1b',
      '6. route table native-inspection-vpc-firewall-us-east-1b-rt: 0.0.0.0/0 → NAT gateway native-inspection-vpc-nat-us-east-1b',
    ].join('\n'));
  });

  test('--stack limits the report to a stack, still resolving what it refers to in the others', () => {
    const calico = egressReport(dir, { stacks: ['hub-spoke-egw-calico'] });
    expect(calico).toContain(`Stacks \`hub-spoke-egw-calico\` of ${EXAMPLES.length} in the output`);
    expect(calico).toContain('| tenant0 | `hub-spoke-egw-calico` | `10.99.0.0/29` (pool tenant0-pool) | `tenant0-egw/tenant0-egw` | spoke1-aks (`hub-spoke-egw`) | 1 | '
      + 'firewall hub-fw, then the Internet with SNAT to public IP hub-fw-ip |');
    expect(calico).toContain('| Firewalls | none |');
    expect(calico).toContain('    k8s_spoke1_aks_cluster_5F449C3A[["AKS spoke1-aks<br/>userDefinedRouting"]]');
    expect(calico).not.toContain('### hub-fw');
    for (const example of EXAMPLES) {
      const one = egressReport(dir, { stacks: [example.name] });
      expect(one).toContain(`Stacks \`${example.name}\` of ${EXAMPLES.length} in the output`);
      for (const word of ['unknown', 'not linked']) expect(one).not.toContain(word);
    }
  });

  test('the README\'s excerpt is the example app\'s report, line for line', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const excerpt = readme.slice(readme.indexOf('An excerpt of the example app\'s report:'), readme.indexOf('What it does not see:'));
    const quoted = excerpt.split('\n').filter((l) => l.startsWith('> ') && l.length > 2).map((l) => l.slice(2));
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(excerpt)![1];
    expect(quoted.length).toBeGreaterThan(5);
    for (const line of quoted) expect(md.split('\n')).toContain(line);
    expect(md).toContain(`### \`hub-spoke-egw\`, \`hub-spoke-egw-calico\`\n\n\`\`\`mermaid\n${diagram}\`\`\``);
  });
});
