import * as fs from 'fs';
import { AksEgressRules, AksNtp, ContainerRegistries, azureCloudServiceTag } from '../../lib/azure';
import { resource, synthWith } from '../helpers';
import { firewall, vnet } from './outbound-fixtures';

/** `file:line` of the line of this file that ends with `// <marker>`: where a preset was called. */
const calledFrom = (marker: string): string =>
  `test/azure/aks-egress-rules.test.ts:${fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.endsWith(`// ${marker}`)) + 1}`;

describe('AKS egress rule presets', () => {
  test('the required network rules name the region service tag, UDP 1194, TCP 9000 and NTP by FQDN', () => {
    expect(AksEgressRules.requiredNetworkRules({ region: 'eastus' })).toEqual([
      { name: 'apiudp', protocols: ['UDP'], sources: undefined, destinationAddresses: ['AzureCloud.eastus'], destinationPorts: [1194] },
      { name: 'apitcp', protocols: ['TCP'], sources: undefined, destinationAddresses: ['AzureCloud.eastus'], destinationPorts: [9000] },
      { name: 'time', protocols: ['UDP'], sources: undefined, destinationFqdns: ['ntp.ubuntu.com'], destinationPorts: [123] },
    ]);
  });

  test('NTP by the addresses the caller gives, or no NTP rule', () => {
    expect(AksEgressRules.requiredNetworkRules({ region: 'eastus', ntp: AksNtp.addresses(['10.0.5.4']) })[2]).toEqual(
      { name: 'time', protocols: ['UDP'], sources: undefined, destinationAddresses: ['10.0.5.4'], destinationPorts: [123] });
    expect(AksEgressRules.requiredNetworkRules({ region: 'eastus', ntp: AksNtp.none() }).map((r) => r.name)).toEqual(['apiudp', 'apitcp']);
    expect(AksEgressRules.requiredNetworkRules({ region: 'eastus', ntp: AksNtp.ubuntuFqdn() })[2].destinationFqdns).toEqual(['ntp.ubuntu.com']);
  });

  test('NTP addresses must be IP addresses, and ntp an AksNtp', () => {
    expect(() => AksNtp.addresses(['ntp.ubuntu.com'])).toThrow(`AksNtp.addresses() at ${calledFrom('fqdn')}: addresses[0] is "ntp.ubuntu.com"; expected an IP address such as 10.0.0.4`); // fqdn
    expect(() => AksNtp.addresses([])).toThrow(`AksNtp.addresses() at ${calledFrom('empty')}: addresses is []; at least 1 entry is needed`); // empty
    expect(() => AksEgressRules.requiredNetworkRules({ region: 'eastus', ntp: 'none' as unknown as AksNtp })).toThrow( // ntp
      `AksEgressRules.requiredNetworkRules() at ${calledFrom('ntp')}: options.ntp is "none"; expected AksNtp.ubuntuFqdn(), AksNtp.addresses([...]) or AksNtp.none()`);
  });

  test('rule names and sources are parameters', () => {
    const rules = AksEgressRules.requiredNetworkRules({
      region: 'westeurope', sources: ['10.42.1.0/24'], names: { apiUdp: 'udp', apiTcp: 'tcp', time: 'ntp' },
    });
    expect(rules.map((r) => r.name)).toEqual(['udp', 'tcp', 'ntp']);
    expect(rules.map((r) => r.sources)).toEqual([['10.42.1.0/24'], ['10.42.1.0/24'], ['10.42.1.0/24']]);
  });

  test('a region display name becomes the service tag spelling', () => {
    expect(azureCloudServiceTag('West Europe')).toBe('AzureCloud.westeurope');
    expect(azureCloudServiceTag('eastus2')).toBe('AzureCloud.eastus2');
  });

  test('rejects a region that cannot name a service tag', () => {
    expect(() => AksEgressRules.requiredNetworkRules({ region: 'east-us' })) // region
      .toThrow(`AksEgressRules.requiredNetworkRules() at ${calledFrom('region')}: options.region is "east-us"; expected an Azure region such as eastus or West Europe`);
    expect(() => azureCloudServiceTag('east-us')) // tag
      .toThrow(`azureCloudServiceTag() at ${calledFrom('tag')}: region is "east-us"; expected an Azure region such as eastus or West Europe`);
  });

  test('registry presets', () => {
    expect(ContainerRegistries.githubContainerRegistry()).toEqual({ name: 'ghcr', fqdns: ['ghcr.io', 'pkg-containers.githubusercontent.com'] });
    // Docker's allowlist (docs.docker.com/desktop/setup/allow-list): tokens from auth.docker.io, manifests from
    // registry-1.docker.io, layers from the Cloudflare CDN (paid plans) or the R2 bucket (personal and anonymous pulls).
    expect(ContainerRegistries.dockerHub()).toEqual({
      name: 'docker',
      fqdns: ['auth.docker.io', 'registry-1.docker.io', 'production.cloudflare.docker.com',
        'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com'],
    });
    expect(ContainerRegistries.dockerHub({ signIn: true }).fqdns).toEqual([
      'auth.docker.io', 'registry-1.docker.io', 'production.cloudflare.docker.com',
      'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com',
      'hub.docker.com', 'login.docker.com', 'auth.docker.com', 'cdn.auth0.com',
    ]);
  });

  test('a registry as a network rule (TCP 443 by FQDN) or an application rule (HTTPS 443)', () => {
    expect(AksEgressRules.registryNetworkRule(ContainerRegistries.githubContainerRegistry())).toEqual({
      name: 'ghcr', protocols: ['TCP'], sources: undefined, destinationFqdns: ['ghcr.io', 'pkg-containers.githubusercontent.com'], destinationPorts: [443],
    });
    expect(AksEgressRules.registryApplicationRule(ContainerRegistries.dockerHub(), { name: 'hub' })).toEqual({
      name: 'hub', sources: undefined, targetFqdns: ContainerRegistries.dockerHub().fqdns,
      protocols: [{ type: 'Https', port: 443 }],
    });
  });

  test('the collections render as classic firewall rule collections', () => {
    const json = synthWith((stack) => {
      firewall(stack, vnet(stack), {
        ruleCollections: [
          AksEgressRules.networkCollection({ region: 'eastus', registries: [ContainerRegistries.githubContainerRegistry()] }),
          AksEgressRules.applicationCollection(),
        ],
      });
    });
    const network = resource(json, 'azurerm_firewall_network_rule_collection', 'aksfwnr');
    expect(network).toMatchObject({ priority: 100, action: 'Allow' });
    expect(network.rule.map((r: { name: string }) => r.name)).toEqual(['apiudp', 'apitcp', 'time', 'ghcr']);
    expect(network.rule[0]).toEqual({
      name: 'apiudp', protocols: ['UDP'], source_addresses: ['*'], destination_addresses: ['AzureCloud.eastus'], destination_ports: ['1194'],
    });
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'aksfwar')).toMatchObject({
      priority: 100,
      action: 'Allow',
      rule: [{
        name: 'fqdn', source_addresses: ['*'], fqdn_tags: ['AzureKubernetesService'],
        protocol: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }],
      }],
    });
  });

  test('a firewall without its DNS proxy rejects the required network rules (NTP by FQDN)', () => {
    expect(() => synthWith((stack) => {
      firewall(stack, vnet(stack), { dnsProxyEnabled: false, ruleCollections: [AksEgressRules.networkCollection({ region: 'eastus' })] });
    })).toThrow('test/fw: ruleCollections[aksfwnr].rules[].destinationFqdns is ["ntp.ubuntu.com"]; '
      + "FQDNs in network rules need the firewall's DNS proxy; set dnsProxyEnabled to true");
  });

  test('and the registry network rules too', () => {
    expect(() => synthWith((stack) => {
      firewall(stack, vnet(stack), { dnsProxyEnabled: false }).addRuleCollection(AksEgressRules.networkCollection({
        region: 'eastus', name: 'registries', names: {}, registries: [ContainerRegistries.dockerHub()],
      }));
    })).toThrow(/test\/fw: ruleCollections\[registries\].rules\[\].destinationFqdns is \["ntp.ubuntu.com","auth.docker.io",/);
  });

  test('registries as application rules in the application collection, after the FQDN tag rule', () => {
    const json = synthWith((stack) => {
      firewall(stack, vnet(stack), {
        dnsProxyEnabled: false,
        ruleCollections: [AksEgressRules.applicationCollection({ sources: ['10.42.1.0/24'], registries: [ContainerRegistries.dockerHub()] })],
      });
    });
    expect(resource(json, 'azurerm_firewall_application_rule_collection', 'aksfwar').rule).toEqual([
      {
        name: 'fqdn', source_addresses: ['10.42.1.0/24'], fqdn_tags: ['AzureKubernetesService'],
        protocol: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }],
      },
      {
        name: 'docker', source_addresses: ['10.42.1.0/24'], protocol: [{ type: 'Https', port: 443 }],
        target_fqdns: ['auth.docker.io', 'registry-1.docker.io', 'production.cloudflare.docker.com',
          'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com'],
      },
    ]);
  });

  test('the API-server rule: TCP 443 to the cluster\'s FQDN', () => {
    expect(AksEgressRules.apiServerRule({ cluster: { fqdn: 'aks-1.hcp.eastus.azmk8s.io' }, sources: ['10.42.1.0/24'] })).toEqual({
      name: 'apiserver', protocols: ['TCP'], sources: ['10.42.1.0/24'], destinationFqdns: ['aks-1.hcp.eastus.azmk8s.io'], destinationPorts: [443],
    });
    expect(AksEgressRules.apiServerCollection({ cluster: { fqdn: 'aks-1.hcp.eastus.azmk8s.io' }, name: 'api', priority: 150 })).toEqual({
      kind: 'network', name: 'aksapiserver', priority: 150, action: 'Allow',
      rules: [{ name: 'api', protocols: ['TCP'], sources: undefined, destinationFqdns: ['aks-1.hcp.eastus.azmk8s.io'], destinationPorts: [443] }],
    });
  });

  test('the API-server rule refuses a call without a cluster (JavaScript callers)', () => {
    expect(() => AksEgressRules.apiServerRule({} as never)) // cluster
      .toThrow(`AksEgressRules.apiServerRule() at ${calledFrom('cluster')}: options.cluster is missing; the cluster whose API server pods reach, e.g. an AksCluster (anything with its fqdn)`);
  });
});
