import {
  ApplicationRule, ApplicationRuleCollection, NetworkRule, NetworkRuleCollection, RuleAction, RuleAddress, RuleCollections,
  ErrorSite, ValidationError, callerLocation, checkIpList, checkString,
} from '../core';

/** The place of an error in a preset, which has no construct path: the function and where the app called it. */
const calledAt = (fn: string): string => `${fn}() at ${callerLocation()}`;

/**
 * Firewall rule presets for AKS egress, as data in one place: the rules every AKS cluster behind a
 * firewall needs (by region), and the endpoints of common container registries. Each function returns
 * provider-neutral rule model objects; names and priorities are parameters, so a stack can reproduce
 * the spelling of its source document.
 *
 * Sources: Microsoft's "Outbound network and FQDN rules for AKS clusters" and "Control egress traffic
 * using Azure Firewall in AKS" (document 002).
 */

/** The FQDN tag Azure Firewall keeps up to date with every FQDN AKS needs. */
export const AKS_FQDN_TAG = 'AzureKubernetesService';

/** A container registry's endpoints: what an image pull from it has to reach. */
export interface ContainerRegistryEndpoints {
  /** A short name, used as the default rule name, e.g. `ghcr`. */
  readonly name: string;
  /** The FQDNs, over HTTPS (TCP 443). */
  readonly fqdns: readonly string[];
}

/** Options of {@link ContainerRegistries.dockerHub}. */
export interface DockerHubOptions {
  /**
   * Also the Docker Hub website and sign-in endpoints (`hub.docker.com`, `login.docker.com`,
   * `auth.docker.com`, `cdn.auth0.com`), for `docker login` with a Docker account from behind the firewall.
   * @default false: only what a pull needs
   */
  readonly signIn?: boolean;
}

/**
 * What a Docker Hub pull reaches, from Docker's published allowlist
 * (https://docs.docker.com/desktop/setup/allow-list/): a token from `auth.docker.io`, manifests from
 * `registry-1.docker.io`, layers from `production.cloudflare.docker.com` (paid plans) or Docker's R2
 * bucket (personal plans and anonymous pulls). `docker.io` itself is only a name clients rewrite.
 */
const DOCKER_HUB_PULL_FQDNS = [
  'auth.docker.io',
  'registry-1.docker.io',
  'production.cloudflare.docker.com',
  'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com',
];
const DOCKER_HUB_SIGN_IN_FQDNS = ['hub.docker.com', 'login.docker.com', 'auth.docker.com', 'cdn.auth0.com'];

/** Container registry presets. Allow them with application rules ({@link AksEgressRules.registryApplicationRule}). */
export const ContainerRegistries = {
  /** GitHub Container Registry: `ghcr.io` and the blob store it redirects to. */
  githubContainerRegistry(): ContainerRegistryEndpoints {
    return { name: 'ghcr', fqdns: ['ghcr.io', 'pkg-containers.githubusercontent.com'] };
  },
  /**
   * Docker Hub, the one list every stack uses: token service, registry and both layer CDNs, plus the
   * sign-in endpoints with `signIn`.
   */
  dockerHub(options: DockerHubOptions = {}): ContainerRegistryEndpoints {
    return { name: 'docker', fqdns: [...DOCKER_HUB_PULL_FQDNS, ...(options.signIn ? DOCKER_HUB_SIGN_IN_FQDNS : [])] };
  },
};

/**
 * How Linux nodes reach NTP (UDP 123), the third required network rule. Microsoft's list names
 * `ntp.ubuntu.com`; an FQDN in a network rule needs the firewall's DNS proxy, which the Basic tier
 * does not have, so a Basic firewall takes the addresses form (or none).
 */
export abstract class AksNtp {
  /** UDP 123 to `ntp.ubuntu.com`, as Microsoft's list names it. Needs the firewall's DNS proxy (not on the Basic tier). */
  public static ubuntuFqdn(): AksNtp {
    return new FqdnNtp();
  }

  /**
   * UDP 123 to NTP servers by address, e.g. your own time servers or the current addresses of
   * `ntp.ubuntu.com`: works without a DNS proxy, so on the Basic tier. The addresses are yours to keep
   * current.
   */
  public static addresses(addresses: readonly string[]): AksNtp {
    checkIpList(`AksNtp.addresses() at ${callerLocation()}`, 'addresses', addresses, { minItems: 1 });
    return new AddressNtp(addresses);
  }

  /**
   * No NTP rule: the nodes keep time from the Azure host. Microsoft's outbound rules page says the
   * `ntp.ubuntu.com` rule is not needed for nodes provisioned after March 2021.
   */
  public static none(): AksNtp {
    return new NoNtp();
  }

  /** The rule, or none. @internal */
  public abstract _rule(name: string, sources?: readonly RuleAddress[]): NetworkRule | undefined;
}

class FqdnNtp extends AksNtp {
  public _rule(name: string, sources?: readonly RuleAddress[]): NetworkRule {
    return { name, protocols: ['UDP'], sources, destinationFqdns: ['ntp.ubuntu.com'], destinationPorts: [123] };
  }
}

class AddressNtp extends AksNtp {
  constructor(private readonly addresses: readonly string[]) {
    super();
  }

  public _rule(name: string, sources?: readonly RuleAddress[]): NetworkRule {
    return { name, protocols: ['UDP'], sources, destinationAddresses: [...this.addresses], destinationPorts: [123] };
  }
}

class NoNtp extends AksNtp {
  public _rule(): undefined {
    return undefined;
  }
}

/** Names of the three required network rules. */
export interface AksRequiredNetworkRuleNames {
  /** UDP 1194 to the region: the tunnel between nodes and the control plane. @default 'apiudp' */
  readonly apiUdp?: string;
  /** TCP 9000 to the region: the tunnel's TCP fallback. @default 'apitcp' */
  readonly apiTcp?: string;
  /** UDP 123 to NTP (see {@link AksNtp}): time for Linux nodes. @default 'time' */
  readonly time?: string;
}

/** Options of {@link AksEgressRules.requiredNetworkRules}. */
export interface AksRequiredNetworkRulesOptions {
  /** The cluster's region, e.g. `eastus` or `West Europe`; names the `AzureCloud.<region>` service tag. */
  readonly region: string;
  /** Where the traffic comes from, e.g. the node subnet. @default ['*'] */
  readonly sources?: readonly RuleAddress[];
  /** Rule names. @default apiudp, apitcp, time */
  readonly names?: AksRequiredNetworkRuleNames;
  /**
   * How nodes reach NTP. A Basic firewall (no DNS proxy) needs `AksNtp.addresses([...])` or `AksNtp.none()`.
   * @default AksNtp.ubuntuFqdn()
   */
  readonly ntp?: AksNtp;
}

/** Options of {@link AksEgressRules.networkCollection}. */
export interface AksNetworkCollectionOptions extends AksRequiredNetworkRulesOptions {
  /** @default 'aksfwnr' */
  readonly name?: string;
  /** @default 100 */
  readonly priority?: number;
  /** @default 'Allow' */
  readonly action?: RuleAction;
  /**
   * Registries to allow over TCP 443 by FQDN in network rules, one rule each named after the registry.
   * FQDNs in network rules match only when the clients resolve them through the firewall's DNS proxy
   * (the VNet's DNS servers point at the firewall); prefer `applicationCollection({ registries })`.
   * @default - none
   */
  readonly registries?: readonly ContainerRegistryEndpoints[];
  /** Further rules, after the required ones and the registries. @default - none */
  readonly extraRules?: readonly NetworkRule[];
}

/** Options of {@link AksEgressRules.applicationCollection}. */
export interface AksApplicationCollectionOptions {
  /** @default 'aksfwar' */
  readonly name?: string;
  /** @default 100 */
  readonly priority?: number;
  /** Name of the rule allowing the `AzureKubernetesService` FQDN tag. @default 'fqdn' */
  readonly ruleName?: string;
  /** @default ['*'] */
  readonly sources?: readonly RuleAddress[];
  /**
   * Registries to allow over HTTPS 443, one application rule each named after the registry. Application
   * rules match the TLS SNI, so they work whatever DNS the clients use.
   * @default - none
   */
  readonly registries?: readonly ContainerRegistryEndpoints[];
  /** Further rules, after the FQDN tag rule and the registries. @default - none */
  readonly extraRules?: readonly ApplicationRule[];
}

/**
 * The `AzureCloud.<region>` service tag: a display name such as `West Europe` becomes `westeurope`.
 * `site` and `field` say where the region was given, for the error (a construct's `location`, say).
 */
export function azureCloudServiceTag(region: string, site?: ErrorSite, field = 'region'): string {
  return serviceTag(region, () => site ?? calledAt('azureCloudServiceTag'), field);
}

/** The service tag of `region`; `site` is asked for only when the region is refused. */
function serviceTag(region: string, site: () => ErrorSite, field: string): string {
  if (typeof region !== 'string') checkString(site(), field, region, 'an Azure region such as eastus or West Europe');
  const name = region.toLowerCase().replace(/\s+/g, '');
  if (!/^[a-z][a-z0-9]*$/.test(name)) {
    throw new ValidationError(site(), field, region, 'expected an Azure region such as eastus or West Europe');
  }
  return `AzureCloud.${name}`;
}

/** What the API-server rule needs of a cluster: the public FQDN of its API server (a reference). */
export interface IApiServerEndpoint {
  /** e.g. `aks-3f2a1b.hcp.eastus.azmk8s.io`; `AksCluster.fqdn`. */
  readonly fqdn: string;
}

/** Options of {@link AksEgressRules.apiServerRule}. */
export interface AksApiServerRuleOptions {
  /** The cluster whose API server pods reach, e.g. an `AksCluster`. */
  readonly cluster: IApiServerEndpoint;
  /** @default 'apiserver' */
  readonly name?: string;
  /** @default - none */
  readonly description?: string;
  /** Where the traffic comes from, e.g. the node subnet's IP Group. @default ['*'] */
  readonly sources?: readonly RuleAddress[];
}

/** Options of {@link AksEgressRules.apiServerCollection}. */
export interface AksApiServerCollectionOptions extends AksApiServerRuleOptions {
  /** @default 'aksapiserver' */
  readonly collectionName?: string;
  /** @default 110 */
  readonly priority?: number;
}

/** The AKS required egress rules. */
export const AksEgressRules = {
  /**
   * TCP 443 to the cluster's API server, for pods outside kube-system (ingress controllers, operators,
   * anything with a Kubernetes client): Microsoft's outbound rules for AKS list `APIServerPublicIP:443`
   * as a required network rule. The API server's address is known only once the cluster exists, so the
   * rule names its FQDN; the firewall resolves it with its DNS proxy (on by default), and clients
   * resolve the same address when the VNet's DNS servers point at the firewall
   * (`VirtualNetwork.useFirewallDns`). Not needed for private clusters.
   *
   * UDP 1194 and TCP 9000 ({@link AksEgressRules.requiredNetworkRules}) stay in the required rules:
   * the same page still lists them for clusters whose tunnel is not konnectivity, which reaches the API
   * server over this rule's TCP 443.
   */
  apiServerRule(options: AksApiServerRuleOptions): NetworkRule {
    if (!options?.cluster || typeof options.cluster.fqdn !== 'string') {
      throw new ValidationError(calledAt('AksEgressRules.apiServerRule'), 'options.cluster', options?.cluster,
        'the cluster whose API server pods reach, e.g. an AksCluster (anything with its fqdn)');
    }
    return {
      name: options.name ?? 'apiserver',
      ...(options.description !== undefined ? { description: options.description } : {}),
      protocols: ['TCP'],
      sources: options.sources,
      destinationFqdns: [options.cluster.fqdn],
      destinationPorts: [443],
    };
  },

  /**
   * A network collection holding {@link AksEgressRules.apiServerRule}. Add it to the firewall after the
   * cluster; with a Firewall Policy give it a group of its own (`{ group: { name, priority } }`), since
   * the cluster waits for the default groups and this rule names the cluster.
   */
  apiServerCollection(options: AksApiServerCollectionOptions): NetworkRuleCollection {
    return RuleCollections.network({
      name: options.collectionName ?? 'aksapiserver',
      priority: options.priority ?? 110,
      action: 'Allow',
      rules: [AksEgressRules.apiServerRule(options)],
    });
  },

  /**
   * UDP 1194 and TCP 9000 to `AzureCloud.<region>` (the node-to-control-plane tunnel) and UDP 123 to
   * NTP. By default the last names `ntp.ubuntu.com`, an FQDN in a network rule, which Azure Firewall
   * resolves with its DNS proxy: a firewall without it (the Basic tier) rejects the collection, so pass
   * `ntp: AksNtp.addresses([...])` or `AksNtp.none()` there.
   */
  requiredNetworkRules(options: AksRequiredNetworkRulesOptions): NetworkRule[] {
    const tag = serviceTag(options?.region, () => calledAt('AksEgressRules.requiredNetworkRules'), 'options.region');
    const names = options.names ?? {};
    const sources = options.sources;
    const ntp = options.ntp ?? AksNtp.ubuntuFqdn();
    if (!(ntp instanceof AksNtp)) {
      throw new ValidationError(calledAt('AksEgressRules.requiredNetworkRules'), 'options.ntp', ntp, 'expected AksNtp.ubuntuFqdn(), AksNtp.addresses([...]) or AksNtp.none()');
    }
    const time = ntp._rule(names.time ?? 'time', sources);
    return [
      { name: names.apiUdp ?? 'apiudp', protocols: ['UDP'], sources, destinationAddresses: [tag], destinationPorts: [1194] },
      { name: names.apiTcp ?? 'apitcp', protocols: ['TCP'], sources, destinationAddresses: [tag], destinationPorts: [9000] },
      ...(time ? [time] : []),
    ];
  },

  /** A network rule allowing a registry's FQDNs over TCP 443. */
  registryNetworkRule(registry: ContainerRegistryEndpoints, options: { name?: string; sources?: readonly RuleAddress[] } = {}): NetworkRule {
    return {
      name: options.name ?? registry.name,
      protocols: ['TCP'],
      sources: options.sources,
      destinationFqdns: [...registry.fqdns],
      destinationPorts: [443],
    };
  },

  /** An application rule allowing a registry's FQDNs over HTTPS 443. */
  registryApplicationRule(registry: ContainerRegistryEndpoints, options: { name?: string; sources?: readonly RuleAddress[] } = {}): ApplicationRule {
    return {
      name: options.name ?? registry.name,
      sources: options.sources,
      targetFqdns: [...registry.fqdns],
      protocols: [{ type: 'Https', port: 443 }],
    };
  },

  /** The network collection: the required rules, then a rule per registry, then `extraRules`. */
  networkCollection(options: AksNetworkCollectionOptions): NetworkRuleCollection {
    return RuleCollections.network({
      name: options.name ?? 'aksfwnr',
      priority: options.priority ?? 100,
      action: options.action ?? 'Allow',
      rules: [
        ...AksEgressRules.requiredNetworkRules(options),
        ...(options.registries ?? []).map((r) => AksEgressRules.registryNetworkRule(r, { sources: options.sources })),
        ...(options.extraRules ?? []),
      ],
    });
  },

  /** The application rule allowing the `AzureKubernetesService` FQDN tag over HTTP 80 and HTTPS 443. */
  fqdnTagRule(options: { name?: string; sources?: readonly RuleAddress[] } = {}): ApplicationRule {
    return {
      name: options.name ?? 'fqdn',
      sources: options.sources,
      fqdnTags: [AKS_FQDN_TAG],
      protocols: [{ type: 'Http', port: 80 }, { type: 'Https', port: 443 }],
    };
  },

  /** The application collection: the FQDN tag rule, then a rule per registry, then `extraRules`. */
  applicationCollection(options: AksApplicationCollectionOptions = {}): ApplicationRuleCollection {
    return RuleCollections.application({
      name: options.name ?? 'aksfwar',
      priority: options.priority ?? 100,
      action: 'Allow',
      rules: [
        AksEgressRules.fqdnTagRule({ name: options.ruleName, sources: options.sources }),
        ...(options.registries ?? []).map((r) => AksEgressRules.registryApplicationRule(r, { sources: options.sources })),
        ...(options.extraRules ?? []),
      ],
    });
  },
};
