import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
// Types only: the helm bindings load when an AppGatewayIngress is built (its caller passes a
// HelmProvider, so they are installed), never when `cdktf-kubernetes-egress/azure` is loaded.
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import type { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { stringifyYaml } from '../core/yaml';
import { ValidationError, checkDns1123Label } from '../core';
import { requireProps } from '../core/guards';
import { AksCluster } from './aks-cluster';
import { ApplicationGateway } from './application-gateway';
import { ManagedIdentity, serviceAccountSubject } from './managed-identity';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { RoleAssignment, RoleScope } from './role-assignment';
import { untraced } from '../core/refs';

/** The AGIC chart version the library is tested with. */
export const AGIC_CHART_VERSION = '1.8.1';

/** Where Microsoft publishes the AGIC chart (an OCI registry; the old blob-storage repository is retired). */
export const AGIC_HELM_REPOSITORY = 'oci://mcr.microsoft.com/azure-application-gateway/charts';

/** The chart's name. */
export const AGIC_CHART = 'ingress-azure';

/**
 * The service account the `ingress-azure` chart creates for a release: the release name when it
 * contains the chart's name, `<release>-sa-ingress-azure` otherwise (63 characters at most).
 */
export function agicServiceAccountName(releaseName: string): string {
  const name = releaseName.includes(AGIC_CHART) ? releaseName : `${releaseName}-sa-${AGIC_CHART}`;
  return name.slice(0, 63).replace(/-+$/, '');
}

/** Props of {@link AppGatewayIngressController}. */
export interface AppGatewayIngressControllerProps {
  /** The helm provider configured for the cluster (from `cluster.kubeConnection`). */
  readonly provider: HelmProvider;
  /** The gateway the controller configures. */
  readonly gateway: ApplicationGateway;
  /** The cluster it runs in; needs `workloadIdentity: true`. */
  readonly cluster: AksCluster;
  /** Name of the controller's managed identity, e.g. `dzk8sappgw1-id`. */
  readonly identityName: string;
  /** Where the identity lives. */
  readonly identityResourceGroup: IResourceGroup;
  /**
   * Scopes the controller reads (Reader): the gateway's resource group at least. Only resources and
   * resource groups are accepted.
   */
  readonly readerScopes: RoleScope[];
  /** Name of the federated credential. @default `${cluster.name}-${serviceAccountName}` */
  readonly federatedCredentialName?: string;
  /** @default 'kube-system' */
  readonly namespace?: string;
  /**
   * Further resources the release waits for, e.g. the firewall rule that lets pods reach the API server.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /** The helm release; the service account's name follows from it. @default 'ingress-azure' */
  readonly releaseName?: string;
  /** @default AGIC_CHART_VERSION */
  readonly version?: string;
  /** @default AGIC_HELM_REPOSITORY */
  readonly repository?: string;
  /** Namespaces whose Ingresses the controller serves. @default - all namespaces */
  readonly watchNamespaces?: string[];
  /** Whether the gateway is shared with workloads the controller must not touch. @default false */
  readonly shared?: boolean;
  /** The subscription of the gateway. @default - the azurerm provider's subscription */
  readonly subscriptionId?: string;
  /** @default 3 */
  readonly verbosityLevel?: number;
  /** @default - none */
  readonly tags?: Tags;
}

/**
 * The Application Gateway Ingress Controller, installed with helm and authenticated with Microsoft
 * Entra Workload ID: a managed identity, a federated credential for the chart's service account, and
 * only the roles the controller needs (Contributor on the gateway, Network Contributor on the
 * gateway's subnet for the join Azure checks on every gateway update, Reader where asked).
 */
export class AppGatewayIngressController extends Construct {
  /** The controller's identity. */
  public readonly identity: ManagedIdentity;
  /** The federated credential trusting the controller's service account. */
  public readonly federatedCredential: FederatedIdentityCredential;
  /** The role assignments of the identity. */
  public readonly roleAssignments: readonly RoleAssignment[];
  /** The helm_release resource (escape hatch). */
  public readonly release: Release;
  /** The values passed to the chart. */
  public readonly values: Record<string, unknown>;
  /** The namespace the controller runs in. */
  public readonly namespace: string;
  /** The service account the chart creates, which the federated credential names. */
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: AppGatewayIngressControllerProps) {
    super(scope, id);
    requireProps(this, 'AppGatewayIngressController', props, ['provider', 'gateway', 'cluster', 'identityName', 'identityResourceGroup', 'readerScopes']);
    const { cluster, gateway } = props;
    this.namespace = props.namespace ?? 'kube-system';
    const releaseName = props.releaseName ?? 'ingress-azure';
    checkDns1123Label(this, 'namespace', this.namespace);
    checkDns1123Label(this, 'releaseName', releaseName);
    if (releaseName.length > 53) {
      throw new ValidationError(this, 'releaseName', releaseName, 'a helm release name is at most 53 characters');
    }
    if (!cluster.workloadIdentityEnabled) {
      throw new ValidationError(this, 'cluster', cluster.name,
        'the controller authenticates with Workload ID; create the cluster with workloadIdentity: true');
    }
    if (cluster.networkPlugin === 'none' || cluster.networkPluginMode === 'overlay') {
      throw new ValidationError(this, 'cluster', cluster.name,
        `cluster ${cluster.name} uses ${cluster.networkPluginMode === 'overlay' ? 'Azure CNI Overlay' : 'a CNI of its own'}; the controller ` +
        'programs the gateway with pod IPs, which the gateway cannot reach there: use Azure CNI or kubenet');
    }
    if (cluster.networkPlugin === 'kubenet' && gateway.podRouting !== 'kubenet') {
      throw new ValidationError(this, 'gateway', gateway.name,
        `cluster ${cluster.name} uses kubenet, so the gateway reaches pods only through their nodes; ` +
        'build the gateway with podRouting: AppGatewayPodRouting.kubenet({ routeTable })');
    }
    if (props.readerScopes.length === 0) {
      throw new ValidationError(this, 'readerScopes', [],
        'the controller reads the gateway\'s resource group; pass at least RoleScope.resourceGroup(<the gateway\'s group>)');
    }
    props.readerScopes.forEach((s, i) => {
      if (RoleScope.isRoleScope(s)) s.check(this, `readerScopes[${i}]`);
      if (s.level !== 'resource' && s.level !== 'resourceGroup') {
        throw new ValidationError(this, `readerScopes[${i}]`, s.label, 'the controller reads resources and resource groups, nothing wider');
      }
    });
    const verbosity = props.verbosityLevel ?? 3;
    if (!Number.isInteger(verbosity) || verbosity < 1 || verbosity > 5) {
      throw new ValidationError(this, 'verbosityLevel', verbosity, 'AGIC logs at verbosity 1 to 5');
    }
    (props.watchNamespaces ?? []).forEach((ns, i) => checkDns1123Label(this, `watchNamespaces[${i}]`, ns));

    this.serviceAccountName = agicServiceAccountName(releaseName);
    this.identity = new ManagedIdentity(this, 'identity', {
      resourceGroup: props.identityResourceGroup,
      name: props.identityName,
      tags: azureTags(this, props.tags),
    });
    this.federatedCredential = this.identity.trustServiceAccount({
      name: props.federatedCredentialName ?? `${cluster.name}-${this.serviceAccountName}`,
      issuer: cluster.oidcIssuerUrl,
      namespace: this.namespace,
      serviceAccount: this.serviceAccountName,
    });
    this.roleAssignments = [
      this.identity.grant('gateway-contributor', 'Contributor', RoleScope.resource(gateway, `application gateway ${gateway.name}`),
        { description: `AGIC of ${cluster.name} configures ${gateway.name}` }),
      this.identity.grant('subnet-network-contributor', 'Network Contributor',
        RoleScope.resource(gateway.subnet, `subnet ${gateway.subnet.name}`),
        { description: `Updates of ${gateway.name} join its subnet ${gateway.subnet.name}` }),
      ...props.readerScopes.map((s, i) => this.identity.grant(`reader-${i}`, 'Reader', s,
        { description: `AGIC of ${cluster.name} reads ${s.label}` })),
    ];

    const subscriptionId = props.subscriptionId ?? untraced(() => new (require('@cdktf/provider-azurerm/lib/data-azurerm-client-config') as typeof import('@cdktf/provider-azurerm/lib/data-azurerm-client-config')).DataAzurermClientConfig(this, 'client-config')).subscriptionId;
    this.values = {
      verbosityLevel: verbosity,
      appgw: {
        subscriptionId,
        resourceGroup: gateway.resourceGroupName,
        name: gateway.name,
        usePrivateIP: false,
        shared: props.shared ?? false,
      },
      armAuth: { type: 'workloadIdentity', identityClientID: this.identity.clientId },
      rbac: { enabled: true },
      ...(props.watchNamespaces && props.watchNamespaces.length > 0
        ? { kubernetes: { watchNamespace: props.watchNamespaces.join(',') } }
        : {}),
    };
    // The controller calls ARM with these roles on its first start: wait for them to propagate.
    const dependsOn: ITerraformDependable[] = [cluster.resource, gateway.resource, this.federatedCredential,
      ...this.roleAssignments.flatMap((r) => [r.resource, r.propagated]), ...(props.dependsOn ?? [])];
    const helm: typeof import('@cdktf/provider-helm/lib/release') = require('@cdktf/provider-helm/lib/release');
    this.release = untraced(() => new helm.Release(this, 'release', {
      provider: props.provider,
      name: releaseName,
      chart: AGIC_CHART,
      repository: props.repository ?? AGIC_HELM_REPOSITORY,
      version: props.version ?? AGIC_CHART_VERSION,
      namespace: this.namespace,
      createNamespace: this.namespace !== 'kube-system' && this.namespace !== 'default',
      values: [stringifyYaml(this.values)],
      dependsOn,
    }));
  }

  /** The subject of the federated credential: `system:serviceaccount:<namespace>:<serviceAccountName>`. */
  public get serviceAccountSubject(): string {
    return serviceAccountSubject(this.namespace, this.serviceAccountName);
  }
}
