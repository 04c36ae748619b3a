import { TerraformStack } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parse } from 'yaml';
import {
  AGIC_CHART_VERSION, AGIC_HELM_REPOSITORY, AksCluster, AksOutbound, AppGatewayIngressController, AppGatewayIngressControllerProps,
  AppGatewayPodRouting, ApplicationGateway, ManagedIdentity, RouteTable, RoleScope, agicServiceAccountName,
} from '../../lib/azure';
import { address, azureStack, resource, resourceGroup, resources, synthWith } from '../helpers';
import { cluster, spoke } from './fixtures';

function build(stack: TerraformStack, over: Partial<AppGatewayIngressControllerProps> = {}, clusterOver = {}): AppGatewayIngressController {
  const s = spoke(stack);
  const appgwRg = resourceGroup(stack, 'secureappgw');
  const aks = cluster(stack, s, clusterOver);
  const gateway = new ApplicationGateway(stack, 'appgw', { resourceGroup: appgwRg, name: 'dzk8sappgw1', subnet: s.vnet.subnet('gw-1-subnet') });
  return new AppGatewayIngressController(stack, 'agic', {
    provider: new HelmProvider(stack, 'helm', { kubernetes: aks.kubeConnection }),
    gateway,
    cluster: aks,
    identityName: 'dzk8sappgw1-id',
    identityResourceGroup: s.rg,
    readerScopes: [RoleScope.resourceGroup(appgwRg)],
    ...over,
  });
}

describe('agicServiceAccountName', () => {
  test('follows the chart: the release name when it contains ingress-azure, else <release>-sa-ingress-azure', () => {
    expect(agicServiceAccountName('ingress-azure')).toBe('ingress-azure');
    expect(agicServiceAccountName('team-a-ingress-azure')).toBe('team-a-ingress-azure');
    expect(agicServiceAccountName('agic')).toBe('agic-sa-ingress-azure');
    expect(agicServiceAccountName('a'.repeat(50))).toBe(`${'a'.repeat(50)}-sa-ingress-a`);
  });
});

describe('AppGatewayIngressController', () => {
  test('installs ingress-azure from Microsoft\'s OCI registry with workload identity values', () => {
    let agic!: AppGatewayIngressController;
    const json = synthWith((stack) => { agic = build(stack, { watchNamespaces: ['default'] }); });
    const release = resource(json, 'helm_release', 'ingress-azure');
    expect([release.repository, release.chart, release.version, release.namespace, release.create_namespace])
      .toEqual([AGIC_HELM_REPOSITORY, 'ingress-azure', AGIC_CHART_VERSION, 'kube-system', false]);
    expect(AGIC_HELM_REPOSITORY).toBe('oci://mcr.microsoft.com/azure-application-gateway/charts');
    expect(parse(release.values[0])).toEqual({
      verbosityLevel: 3,
      appgw: {
        subscriptionId: `\${data.azurerm_client_config.${Object.keys(json.data!.azurerm_client_config)[0]}.subscription_id}`,
        resourceGroup: `\${${address(json, 'azurerm_resource_group', 'secureappgw')}.name}`,
        name: 'dzk8sappgw1',
        usePrivateIP: false,
        shared: false,
      },
      armAuth: { type: 'workloadIdentity', identityClientID: `\${${address(json, 'azurerm_user_assigned_identity', 'dzk8sappgw1-id')}.client_id}` },
      rbac: { enabled: true },
      kubernetes: { watchNamespace: 'default' },
    });
    expect(agic.serviceAccountSubject).toBe('system:serviceaccount:kube-system:ingress-azure');
  });

  test('federates the chart\'s service account with the identity through the cluster\'s OIDC issuer', () => {
    const json = synthWith((stack) => { build(stack); });
    expect(resource(json, 'azurerm_federated_identity_credential')).toEqual(expect.objectContaining({
      name: 'secureaks1-ingress-azure',
      parent_id: `\${${address(json, 'azurerm_user_assigned_identity', 'dzk8sappgw1-id')}.id}`,
      issuer: `\${${address(json, 'azurerm_kubernetes_cluster', 'secureaks1')}.oidc_issuer_url}`,
      subject: 'system:serviceaccount:kube-system:ingress-azure',
      audience: ['api://AzureADTokenExchange'],
    }));
  });

  test('the subject follows a custom release name and namespace', () => {
    const json = synthWith((stack) => { build(stack, { releaseName: 'agic', namespace: 'ingress', federatedCredentialName: 'agic-fic' }); });
    expect(resource(json, 'azurerm_federated_identity_credential', 'agic-fic').subject).toBe('system:serviceaccount:ingress:agic-sa-ingress-azure');
    expect(resource(json, 'helm_release', 'agic').create_namespace).toBe(true);
  });

  test('grants Contributor on the gateway, Network Contributor on its subnet, Reader where asked; nothing else', () => {
    const json = synthWith((stack) => { build(stack); });
    const principal = `\${${address(json, 'azurerm_user_assigned_identity', 'dzk8sappgw1-id')}.principal_id}`;
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.principal_id === principal)
      .map((r) => [r.role_definition_name, r.scope, r.principal_id])).toEqual([
      ['Contributor', `\${${address(json, 'azurerm_application_gateway', 'dzk8sappgw1')}.id}`, principal],
      ['Reader', `\${${address(json, 'azurerm_resource_group', 'secureappgw')}.id}`, principal],
      ['Network Contributor', `\${${address(json, 'azurerm_subnet', 'gw-1-subnet')}.id}`, principal],
    ]);
  });

  test('the release waits for the cluster, the gateway, the credential and the roles, each propagated', () => {
    const json = synthWith((stack) => { build(stack); });
    const deps: string[] = resource(json, 'helm_release', 'ingress-azure').depends_on;
    expect(deps.slice(0, 3)).toEqual([
      address(json, 'azurerm_kubernetes_cluster', 'secureaks1'),
      address(json, 'azurerm_application_gateway', 'dzk8sappgw1'),
      address(json, 'azurerm_federated_identity_credential', 'secureaks1-ingress-azure'),
    ]);
    const principal = `\${${address(json, 'azurerm_user_assigned_identity', 'dzk8sappgw1-id')}.principal_id}`;
    const agicRoles = Object.entries(json.resource!.azurerm_role_assignment).filter(([, r]) => r.principal_id === principal);
    expect(agicRoles).toHaveLength(3);
    const sleeps = Object.entries(json.resource!.time_sleep)
      .filter(([, t]) => agicRoles.some(([k]) => t.depends_on[0] === `azurerm_role_assignment.${k}`));
    expect(sleeps).toHaveLength(3);
    expect(sleeps.every(([, t]) => t.create_duration === '60s')).toBe(true);
    expect(deps.slice(3).sort()).toEqual([
      ...agicRoles.map(([k]) => `azurerm_role_assignment.${k}`), ...sleeps.map(([k]) => `time_sleep.${k}`),
    ].sort());
  });

  test('needs a cluster with workload identity', () => {
    const stack = azureStack();
    expect(() => build(stack, {}, { workloadIdentity: false })).toThrow(
      'test/agic: cluster is "secureaks1"; the controller authenticates with Workload ID; create the cluster with workloadIdentity: true');
  });

  test.each([
    [{ plugin: 'azure' as const, pluginMode: 'overlay' as const, podCidr: '10.244.0.0/16' }, 'Azure CNI Overlay'],
    [{ plugin: 'none' as const }, 'a CNI of its own'],
  ])('refuses a cluster whose pod IPs the gateway cannot reach (%#)', (net, what) => {
    const stack = azureStack();
    expect(() => build(stack, {}, { network: { serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10', ...net } })).toThrow(
      `test/agic: cluster is "secureaks1"; cluster secureaks1 uses ${what}; the controller programs the gateway with pod IPs, which the gateway cannot reach there: use Azure CNI or kubenet`);
  });

  const kubenetIdentity = { id: '/subscriptions/x/resourceGroups/spoke/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks', principalId: 'p-1' };

  test('with a kubenet cluster, needs a gateway that routes to pods through their nodes', () => {
    const stack = azureStack();
    // Kubenet with a route table of ours runs as a user-assigned identity (AKS refuses a system-assigned one).
    expect(() => build(stack, {}, { network: { plugin: 'kubenet', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10', podCidr: '10.244.0.0/16' }, userAssignedIdentity: kubenetIdentity }))
      .toThrow(/^test\/agic: gateway is "dzk8sappgw1"; cluster secureaks1 uses kubenet, so the gateway reaches pods only through their nodes; build the gateway with podRouting: AppGatewayPodRouting.kubenet/);
  });

  test('a kubenet cluster with kubenet pod routing is accepted', () => {
    const json = synthWith((stack) => {
      const s = spoke(stack);
      const nodes = new RouteTable(stack, 'node-rt', { resourceGroup: s.rg, name: 'secureaks1-rt', subnets: [s.vnet.subnet('aks-1-subnet')] });
      nodes.addRoute({ name: 'fw', addressPrefix: '0.0.0.0/0', nextHop: { type: 'VirtualAppliance', ip: '10.0.0.4' } });
      const aks = new AksCluster(stack, 'aks', {
        resourceGroup: s.rg, name: 'secureaks1', defaultNodePool: { subnet: s.vnet.subnet('aks-1-subnet'), nodeCount: 2 },
        network: { plugin: 'kubenet', serviceCidr: '10.2.0.0/16', dnsServiceIp: '10.2.0.10', podCidr: '10.244.0.0/16' },
        outbound: AksOutbound.userDefinedRouting(),
        workloadIdentity: true,
        userAssignedIdentity: kubenetIdentity,
      });
      const gwTable = new RouteTable(stack, 'gw-rt', {
        resourceGroup: s.rg, name: 'dzk8sappgw1-rt',
        routes: [{ name: 'aks-nodepool1-0', addressPrefix: '10.244.0.0/24', nextHop: { type: 'VirtualAppliance', ip: '10.1.4.4' } }],
      });
      const gateway = new ApplicationGateway(stack, 'appgw', {
        resourceGroup: s.rg, name: 'dzk8sappgw1', subnet: s.vnet.subnet('gw-1-subnet'),
        podRouting: AppGatewayPodRouting.kubenet({ routeTable: gwTable }),
      });
      new AppGatewayIngressController(stack, 'agic', {
        provider: new HelmProvider(stack, 'helm', { kubernetes: aks.kubeConnection }), gateway, cluster: aks,
        identityName: 'dzk8sappgw1-id', identityResourceGroup: s.rg, readerScopes: [RoleScope.resourceGroup(s.rg)],
      });
    });
    expect(resource(json, 'helm_release', 'ingress-azure').chart).toBe('ingress-azure');
  });

  test('needs at least one reader scope, and none wider than a resource group', () => {
    const stack = azureStack();
    expect(() => build(stack, { readerScopes: [] })).toThrow(
      'test/agic: readerScopes is []; the controller reads the gateway\'s resource group; pass at least RoleScope.resourceGroup(<the gateway\'s group>)');
    const other = azureStack();
    expect(() => build(other, { readerScopes: [RoleScope.subscription('1111')] })).toThrow(
      'test/agic: readerScopes[0] is "subscription 1111"; the controller reads resources and resource groups, nothing wider');
  });

  test.each([
    [{ namespace: 'Kube_System' }, /^test\/agic: namespace is "Kube_System"; a Kubernetes name is 1 to 63 lower-case letters/],
    [{ releaseName: 'Ingress' }, /^test\/agic: releaseName is "Ingress"; a Kubernetes name is 1 to 63 lower-case letters/],
    [{ releaseName: 'a'.repeat(54) }, /^test\/agic: releaseName is "a{54}"; a helm release name is at most 53 characters$/],
    [{ verbosityLevel: 0 }, /^test\/agic: verbosityLevel is 0; AGIC logs at verbosity 1 to 5$/],
    [{ watchNamespaces: ['default', 'Team A'] }, /^test\/agic: watchNamespaces\[1\] is "Team A"; a Kubernetes name/],
    [{ identityName: 'x' }, /^test\/agic\/identity: name is "x"; an identity name is 3 to 128 letters, digits, '-' or '_', starting with a letter or digit$/],
    [{ federatedCredentialName: 'fic!' }, /^test\/agic\/identity: federatedCredentials\[fic!\]\.name is "fic!"; a federated credential name is 3 to 120/],
  ])('%j is refused', (over, message) => {
    const stack = azureStack();
    expect(() => build(stack, over as Partial<AppGatewayIngressControllerProps>)).toThrow(message);
  });
});

describe('ManagedIdentity', () => {
  test('is a role assignment principal and trusts service accounts by federated credential', () => {
    const json = synthWith((stack) => {
      const rg = resourceGroup(stack, 'securek8s');
      const id = new ManagedIdentity(stack, 'id', { resourceGroup: rg, name: 'app-id' });
      id.grant('reader', 'Reader', RoleScope.resourceGroup(rg));
      id.trustServiceAccount({ name: 'app', issuer: 'https://westeurope.oic.prod-aks.azure.com/t/i/', namespace: 'apps', serviceAccount: 'web' });
    });
    const identity = address(json, 'azurerm_user_assigned_identity', 'app-id');
    expect(resource(json, 'azurerm_role_assignment').principal_id).toBe(`\${${identity}.principal_id}`);
    expect(resource(json, 'azurerm_federated_identity_credential', 'app')).toEqual(expect.objectContaining({
      issuer: 'https://westeurope.oic.prod-aks.azure.com/t/i/', subject: 'system:serviceaccount:apps:web', parent_id: `\${${identity}.id}`,
    }));
  });

  test('refuses a duplicate credential name, a bad service account and an issuer that is not https', () => {
    const stack = azureStack();
    const id = new ManagedIdentity(stack, 'id', { resourceGroup: resourceGroup(stack), name: 'app-id' });
    const ok = { name: 'app', issuer: 'https://issuer.example/', namespace: 'apps', serviceAccount: 'web' };
    id.trustServiceAccount(ok);
    expect(() => id.trustServiceAccount(ok)).toThrow('test/id: federatedCredentials[app].name is "app"; federated credential names must be unique on an identity');
    expect(() => id.trustServiceAccount({ ...ok, name: 'app2', serviceAccount: 'Web' })).toThrow(/^test\/id: federatedCredentials\[app2\]\.serviceAccount is "Web"; a Kubernetes name is up to 253/);
    expect(() => id.trustServiceAccount({ ...ok, name: 'app4', namespace: 'Apps' })).toThrow(
      /^test\/id: federatedCredentials\[app4\]\.namespace is "Apps"; a Kubernetes name is 1 to 63 lower-case letters/);
    expect(() => id.trustServiceAccount({ ...ok, name: 'app3', issuer: 'http://issuer.example/' })).toThrow(
      'test/id: federatedCredentials[app3].issuer is "http://issuer.example/"; an OIDC issuer is an https:// URL, e.g. the cluster\'s oidcIssuerUrl');
  });
});
