import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { egressReport } from '../../lib/report';
import { section } from './fixtures';

/**
 * Outputs written by hand, as any user's app may synthesize them: resources the library does not
 * create (parent policies, IP groups, inline routes, EKS, Internet and NAT gateways, Suricata and
 * stateless rule groups, kubeconfig providers), to show the report reads Terraform, not the library.
 */

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'egress-outputs-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(stacks: { [name: string]: object }, yaml: { [path: string]: string } = {}): string {
  const dir = join(root, `out-${Object.keys(stacks).join('-')}`);
  mkdirSync(dir);
  const manifest: { stacks: { [name: string]: object } } = { stacks: {} };
  for (const [name, json] of Object.entries(stacks)) {
    mkdirSync(join(dir, 'stacks', name), { recursive: true });
    writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
    manifest.stacks[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, dependencies: [] };
  }
  for (const [p, text] of Object.entries(yaml)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const azure = {
  resource: {
    azurerm_virtual_network: { vnet: { name: 'vnet', address_space: ['10.0.0.0/16'], subnet: [{ name: 'inline', address_prefixes: ['10.0.9.0/24'] }] } },
    azurerm_subnet: {
      fwsub: { name: 'AzureFirewallSubnet', virtual_network_name: '${azurerm_virtual_network.vnet.name}', address_prefixes: ['10.0.0.0/26'] },
      nodes: { name: 'nodes', virtual_network_name: 'vnet', address_prefixes: ['10.0.1.0/24'] },
      pool2: { name: 'pool2', virtual_network_name: 'vnet', address_prefixes: ['10.0.2.0/24'] },
    },
    azurerm_public_ip: { ip: { name: 'fw-ip' }, lbip: { name: 'lb-ip' } },
    azurerm_ip_group: { admins: { name: 'admins' } },
    azurerm_firewall_policy: { parent: { name: 'org-policy' }, child: { name: 'app-policy', base_policy_id: '${azurerm_firewall_policy.parent.id}' } },
    azurerm_firewall: {
      fw: {
        name: 'fw', firewall_policy_id: '${azurerm_firewall_policy.child.id}',
        ip_configuration: [{ name: 'c', subnet_id: '${azurerm_subnet.fwsub.id}', public_ip_address_id: '${azurerm_public_ip.ip.id}' }],
      },
    },
    azurerm_firewall_policy_rule_collection_group: {
      child: {
        name: 'app', priority: 100, firewall_policy_id: '${azurerm_firewall_policy.child.id}',
        network_rule_collection: [{ name: 'from-admins', priority: 100, action: 'Allow', rule: [{ name: 'ssh', protocols: ['TCP'], source_ip_groups: ['${azurerm_ip_group.admins.id}'], destination_addresses: ['*'], destination_ports: ['22'] }] }],
        nat_rule_collection: [{ name: 'in', priority: 100, action: 'Dnat', rule: [{ name: 'web', protocols: ['TCP'], source_addresses: ['*'], destination_address: '20.0.0.1', destination_ports: ['443'], translated_fqdn: 'web.internal', translated_port: 8443 }] }],
      },
      parent: {
        name: 'org', priority: 500, firewall_policy_id: '${azurerm_firewall_policy.parent.id}',
        network_rule_collection: [{ name: 'org-deny', priority: 400, action: 'Deny', rule: [{ name: 'smb', protocols: ['TCP'], source_addresses: ['*'], destination_addresses: ['*'], destination_ports: ['445'] }] }],
      },
    },
    azurerm_route_table: {
      rt: { name: 'rt', route: [{ name: 'default', address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance', next_hop_in_ip_address: '10.0.0.4' }] },
      blackhole: { name: 'blackhole', route: [{ name: 'drop', address_prefix: '0.0.0.0/0', next_hop_type: 'None' }] },
    },
    azurerm_subnet_route_table_association: {
      a: { subnet_id: '${azurerm_subnet.nodes.id}', route_table_id: '${azurerm_route_table.rt.id}' },
      b: { subnet_id: '${azurerm_subnet.pool2.id}', route_table_id: '${azurerm_route_table.blackhole.id}' },
    },
    azurerm_kubernetes_cluster: {
      udr: { name: 'udr', default_node_pool: { vnet_subnet_id: '${azurerm_subnet.nodes.id}' }, network_profile: { outbound_type: 'userDefinedRouting' } },
      lb: { name: 'lb', default_node_pool: {}, network_profile: { load_balancer_profile: { outbound_ip_address_ids: ['${azurerm_public_ip.lbip.id}'] } } },
    },
    azurerm_kubernetes_cluster_node_pool: { pool2: { name: 'pool2', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.udr.id}', vnet_subnet_id: '${azurerm_subnet.pool2.id}' } },
  },
};

const aws = {
  resource: {
    aws_vpc: { vpc: { cidr_block: '10.20.0.0/16', tags: { Name: 'eks-vpc' } } },
    aws_subnet: {
      private: { vpc_id: '${aws_vpc.vpc.id}', cidr_block: '10.20.1.0/24', availability_zone: 'eu-west-1a', tags: { Name: 'private-a' } },
      public: { vpc_id: '${aws_vpc.vpc.id}', cidr_block: '10.20.0.0/24', availability_zone: 'eu-west-1a', tags: { Name: 'public-a' } },
      lonely: { vpc_id: '${aws_vpc.vpc.id}', cidr_block: '10.20.2.0/24', availability_zone: 'eu-west-1b', tags: { Name: 'lonely-b' } },
      fw: { vpc_id: '${aws_vpc.vpc.id}', cidr_block: '10.20.3.0/28', availability_zone: 'eu-west-1a', tags: { Name: 'fw-a' } },
    },
    aws_internet_gateway: { igw: { vpc_id: '${aws_vpc.vpc.id}', tags: { Name: 'igw' } } },
    aws_nat_gateway: { nat: { subnet_id: '${aws_subnet.public.id}', tags: { Name: 'nat-a' } } },
    aws_route_table: {
      private: { vpc_id: '${aws_vpc.vpc.id}', tags: { Name: 'private-rt' }, route: [{ cidr_block: '0.0.0.0/0', nat_gateway_id: '${aws_nat_gateway.nat.id}' }] },
      public: { vpc_id: '${aws_vpc.vpc.id}', tags: { Name: 'public-rt' } },
    },
    aws_route: { igw: { route_table_id: '${aws_route_table.public.id}', destination_cidr_block: '0.0.0.0/0', gateway_id: '${aws_internet_gateway.igw.id}' } },
    aws_route_table_association: {
      private: { subnet_id: '${aws_subnet.private.id}', route_table_id: '${aws_route_table.private.id}' },
      public: { subnet_id: '${aws_subnet.public.id}', route_table_id: '${aws_route_table.public.id}' },
    },
    aws_eks_cluster: { eks: { name: 'prod', vpc_config: { subnet_ids: ['${aws_subnet.private.id}', '${aws_subnet.lonely.id}'] } } },
    aws_networkfirewall_rule_group: {
      suricata: {
        name: 'suricata', type: 'STATEFUL', capacity: 10,
        rule_group: {
          rule_variables: { ip_sets: [{ key: 'PODS', ip_set: { definition: ['10.20.128.0/20'] } }] },
          rules_source: { rules_string: 'pass tls $PODS any -> $EXTERNAL_NET 443 (tls.sni; content:"api.example.com"; msg:"pods to the API"; sid:1;)\n# a comment\ndrop ip any any -> any any (sid:2;)' },
        },
      },
      stateless: {
        name: 'stateless', type: 'STATELESS', capacity: 10,
        rule_group: { rules_source: { stateless_rules_and_custom_actions: { stateless_rule: [
          { priority: 20, rule_definition: { actions: ['aws:drop'], match_attributes: { source: [{ address_definition: '0.0.0.0/0' }], destination: [{ address_definition: '0.0.0.0/0' }], protocols: [17], destination_port: [{ from_port: 53, to_port: 53 }] } } },
          { priority: 10, rule_definition: { actions: ['aws:forward_to_sfe'], match_attributes: { source: [{ address_definition: '10.20.0.0/16' }], destination: [{ address_definition: '0.0.0.0/0' }] } } },
        ] } } },
      },
    },
    aws_networkfirewall_firewall_policy: {
      policy: {
        name: 'eks-policy',
        firewall_policy: {
          stateless_default_actions: ['aws:forward_to_sfe'],
          stateless_rule_group_reference: [{ priority: 5, resource_arn: '${aws_networkfirewall_rule_group.stateless.arn}' }],
          stateful_rule_group_reference: [
            { resource_arn: '${aws_networkfirewall_rule_group.suricata.arn}' },
            { resource_arn: 'arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesBotnet' },
          ],
        },
      },
    },
    aws_networkfirewall_firewall: {
      fw: { name: 'eks-fw', vpc_id: '${aws_vpc.vpc.id}', firewall_policy_arn: '${aws_networkfirewall_firewall_policy.policy.arn}', subnet_mapping: [{ subnet_id: '${aws_subnet.fw.id}' }] },
    },
  },
};

const tenants = {
  provider: { kubernetes: [{ config_path: '~/.kube/config' }] },
  resource: {
    kubernetes_manifest: {
      gw: {
        provider: 'kubernetes',
        manifest: { apiVersion: 'operator.tigera.io/v1', kind: 'EgressGateway', metadata: { name: 'red', namespace: 'red' }, spec: { ipPools: [{ cidr: '10.20.128.0/28' }] } },
      },
      quiet: {
        provider: 'kubernetes',
        manifest: { apiVersion: 'operator.tigera.io/v1', kind: 'EgressGateway', metadata: { name: 'quiet', namespace: 'quiet' }, spec: { ipPools: [{ name: 'quiet-pool' }] } },
      },
      pool: {
        provider: 'kubernetes',
        manifest: { apiVersion: 'projectcalico.org/v3', kind: 'IPPool', metadata: { name: 'quiet-pool' }, spec: { cidr: '10.20.129.0/28', disableBGPExport: true } },
      },
    },
  },
};

describe('outputs the library does not write', () => {
  let md: string;
  beforeAll(() => { md = egressReport(write({ azure, aws, tenants })); });

  test('a parent policy\'s collections come before the policy\'s own; IP groups are named; a DNAT to an FQDN is shown', () => {
    const fw = section(md, '### fw (`azure`)');
    expect(fw).toContain('Azure Firewall, Firewall Policy app-policy (parent org-policy), in vnet / AzureFirewallSubnet (10.0.0.0/26).');
    expect(fw).toContain('a parent policy\'s collections before the policy\'s own.');
    expect(fw).toContain([
      '| 1.1 | DNAT | app (100) | in | 100 | DNAT | web | `*` | `20.0.0.1` → `web.internal:8443` | TCP 443 |',
      '| 2.1 | network | org (500), parent policy org-policy | org-deny | 400 | Deny | smb | `*` | `*` | TCP 445 |',
      '| 3.1 | network | app (100) | from-admins | 100 | Allow | ssh | _IP group admins_ | `*` | TCP 22 |',
    ].join('\n'));
  });

  test('a literal next hop in AzureFirewallSubnet is the firewall there; node pools in other subnets get their own path; next hop None drops', () => {
    const udr = section(md, '### udr (`azure`)');
    expect(udr).toContain('Nodes: vnet / nodes (10.0.1.0/24); vnet / pool2 (10.0.2.0/24).');
    expect(udr).toContain('2. route table rt: 0.0.0.0/0 → virtual appliance at 10.0.0.4\n3. firewall fw filters (3 rule collections);');
    expect(udr).toContain('From vnet / pool2 (10.0.2.0/24):\n\n1. nodes in vnet / pool2 (10.0.2.0/24)\n2. ⚠️ route table blackhole: 0.0.0.0/0 → None: dropped');
    expect(md).toContain('| lb | `azure` | AKS | loadBalancer (AKS\'s default) | a VNet AKS creates and manages | the Internet through the cluster load balancer, SNAT to public IP lb-ip |');
  });

  test('EKS: through a NAT gateway and an Internet gateway, and a subnet on the VPC\'s main route table', () => {
    const eks = section(md, '### prod (`aws`)');
    expect(eks).toContain('EKS, outbound type VPC route tables (EKS has no outbound type).');
    expect(eks).toContain([
      '1. nodes in eks-vpc / private-a (10.20.1.0/24, eu-west-1a)',
      '2. route table private-rt: 0.0.0.0/0 → NAT gateway nat-a',
      '3. route table public-rt: 0.0.0.0/0 → Internet gateway igw',
      '4. Internet (instances need a public IP; private addresses do not leave through an Internet gateway)',
    ].join('\n'));
    expect(eks).toContain('2. subnet lonely-b uses its VPC\'s main route table, which the output does not hold: local routes only');
  });

  test('Network Firewall: stateless groups first, Suricata rules parsed with their variables, managed groups named, default action order explained', () => {
    const fw = section(md, '### eks-fw (`aws`)');
    expect(fw).toContain('then every stateful PASS rule, then DROP, REJECT and ALERT, whatever their group (default action order).');
    expect(fw).toContain('**Unmatched traffic:** passed: default action order passes what no rule drops.');
    expect(fw).toContain([
      '| 1.1 | stateless | stateless | 5 | aws:forward\\_to\\_sfe | priority 10 | `10.20.0.0/16` | `0.0.0.0/0` | any protocol ANY |',
      '| 1.2 | stateless | stateless | 5 | aws:drop | priority 20 | `0.0.0.0/0` | `0.0.0.0/0` | UDP 53 |',
      '| 2.1 | stateful, Suricata | suricata |   | PASS | pods to the API | `10.20.128.0/20 ($PODS)` | `$EXTERNAL_NET`, `api.example.com` | TLS 443 |',
      '| 2.2 | stateful, Suricata | suricata |   | DROP | line 2 | `any` | `any` | IP any |',
      '| 3 | stateful, AWS managed | ThreatSignaturesBotnet |   |   | _an AWS managed rule group: its rules are not in the output_ |   |   |   |',
    ].join('\n'));
  });

  test('tenants: ranges named by CIDR, a kubeconfig provider, a pool kept out of BGP, rules matched by range', () => {
    const red = section(md, '### red (`tenants`)');
    expect(red).toContain('taking addresses from `10.20.128.0/28`; from Terraform. '
      + 'Cluster: not linked: the kubernetes provider reads kubeconfig ~/.kube/config. BGP: no BGP peer outside the cluster in this stack.');
    expect(red).toContain('| eks-fw (`aws`) | 2.1 | suricata | pods to the API | `10.20.128.0/20 ($PODS)` (broader than the range) | PASS | `$EXTERNAL_NET`, `api.example.com` | TLS 443 |');
    expect(red).toContain('Rules for any source that also apply (every firewall in the output (the tenant\'s cluster is not linked)):');
    expect(section(md, '### quiet (`tenants`)')).toContain('BGP: not announced: pool quiet-pool has disableBGPExport.');
    // Both rules that include red's range name a wider one (10.20.0.0/16, 10.20.128.0/20): none identifies it.
    expect(md).toContain('| red | `tenants` | `10.20.128.0/28` | `red/red` | not linked | ⚠️ none | its cluster is not linked |');
  });

  test('a peering in one direction only does not carry traffic; a firewall with many public IPs is drawn with their count', () => {
    const ips = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`ip${i}`, { name: `hub-fw-ip-${i}` }]));
    const dir = write({
      oneway: {
        resource: {
          azurerm_virtual_network: { hub: { name: 'hub', address_space: ['10.0.0.0/22'] }, spoke: { name: 'spoke', address_space: ['10.1.0.0/22'] } },
          azurerm_virtual_network_peering: { h2s: { name: 'hub-to-spoke', virtual_network_name: '${azurerm_virtual_network.hub.name}', remote_virtual_network_id: '${azurerm_virtual_network.spoke.id}' } },
          azurerm_subnet: {
            fw: { name: 'AzureFirewallSubnet', virtual_network_name: '${azurerm_virtual_network.hub.name}', address_prefixes: ['10.0.0.0/24'] },
            nodes: { name: 'nodes', virtual_network_name: '${azurerm_virtual_network.spoke.name}', address_prefixes: ['10.1.0.0/24'] },
          },
          azurerm_public_ip: ips,
          azurerm_firewall: {
            fw: {
              name: 'hub-fw',
              ip_configuration: [1, 2, 3, 4, 5].map((i) => ({ name: `c${i}`, ...(i === 1 ? { subnet_id: '${azurerm_subnet.fw.id}' } : {}), public_ip_address_id: `\${azurerm_public_ip.ip${i}.id}` })),
            },
          },
          azurerm_route_table: { rt: { name: 'rt', route: [{ name: 'fw', address_prefix: '0.0.0.0/0', next_hop_type: 'VirtualAppliance', next_hop_in_ip_address: '${azurerm_firewall.fw.ip_configuration[0].private_ip_address}' }] } },
          azurerm_subnet_route_table_association: { a: { subnet_id: '${azurerm_subnet.nodes.id}', route_table_id: '${azurerm_route_table.rt.id}' } },
          azurerm_kubernetes_cluster: { aks: { name: 'aks', default_node_pool: { vnet_subnet_id: '${azurerm_subnet.nodes.id}' }, network_profile: { outbound_type: 'userDefinedRouting' } } },
        },
      },
    });
    const oneway = egressReport(dir);
    expect(oneway).toContain('2. ⚠️ route table rt: 0.0.0.0/0 → virtual appliance at the private IP of firewall hub-fw; '
      + 'spoke and hub are not peered both ways in the output, so the next hop is unreachable');
    expect(oneway).toContain('  net_hub <-->|"peering hub-to-spoke (one direction only)"| net_spoke');
    expect(oneway).toContain('  fw_fw -->|"SNAT 5 public IPs"| internet');
    expect(oneway).toContain('Sends to the Internet from public IPs hub-fw-ip-1, hub-fw-ip-2, hub-fw-ip-3, hub-fw-ip-4, hub-fw-ip-5.');
  });
});
